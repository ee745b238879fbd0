/**
 * The local user and guild the shell acts as (Discord-shaped ids, so the store looks the same as the
 * bot's). Its own module so the CLI can name them without loading discord.js.
 */
export const SHELL_USER_ID = "100000000000000001";
export const SHELL_GUILD_ID = "100000000000000002";
