/** /server diversity | optin | optout: the guild's opted-in members as one population of models. */
import { ApplicationCommandOptionType, InteractionContextType } from "discord.js";
import { defineCommand, type Caller } from "../src/discord/command.js";
import { renderServerOptIn } from "../src/discord/render/models.js";
import { UserFacingError } from "../src/errors.js";
import { analysisAutocomplete, isEphemeral, publicOption, analysisOf, roundsOption, scoreOption } from "./options.js";

function guildOf(caller: Caller): string {
  if (!caller.guildId) throw new UserFacingError("/server works inside a server, not in direct messages.");
  return caller.guildId;
}

export const command = defineCommand({
  definition: {
    name: "server",
    description: "This server's members' models together",
    contexts: [InteractionContextType.Guild],
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "diversity",
        description: "Are members' own models more alike than models across members?",
        options: [scoreOption, roundsOption, publicOption],
      },
      { type: ApplicationCommandOptionType.Subcommand, name: "optin", description: "Count your models in this server's views (names are never shown)" },
      { type: ApplicationCommandOptionType.Subcommand, name: "optout", description: "Stop counting your models in this server's views" },
    ],
  },
  async execute({ args, caller, respond }, ctx) {
    const guildId = guildOf(caller);
    if (args.subcommand === "diversity") {
      await respond.defer({ ephemeral: isEphemeral(args) });
      await respond.edit(await ctx.render("serverDiversity", ctx.services.portfolio.serverDiversity(guildId, analysisOf(args))));
      return;
    }
    await respond.defer({ ephemeral: true });
    const optIn = args.subcommand === "optin";
    const changed = ctx.services.registrations.setServerOptIn(guildId, caller.userId, optIn);
    await respond.edit(renderServerOptIn(optIn, changed));
  },
  autocomplete: analysisAutocomplete,
});
