/** Discord's epoch (2015-01-01T00:00:00Z), the zero point of every snowflake's timestamp bits. */
const DISCORD_EPOCH_MS = 1_420_070_400_000n;

/**
 * Creates Discord-shaped snowflakes (17–19 digits), so discord.js' REST router sees real major
 * parameters (`/\d{17,19}/`) and its snowflake helpers decode sensible timestamps.
 */
export function createSnowflakeGenerator(): () => string {
  let increment = 0n;
  return () => {
    increment = (increment + 1n) & 0xfffn;
    const ms = BigInt(Date.now()) - DISCORD_EPOCH_MS;
    // worker 1, process 1 — arbitrary but fixed, like one API node.
    return ((ms << 22n) | (1n << 17n) | (1n << 12n) | increment).toString();
  };
}

/** The shard that owns a guild: `(guild_id >> 22) % num_shards` (Discord's sharding formula). */
export function shardForGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}
