/** /server diversity | optin | optout: the guild's opted-in members as one population of models. */
import { InteractionContextType, SlashCommandBuilder } from "discord.js";
import type { Caller, Command } from "../src/discord/command.js";
import { renderServerOptIn } from "../src/discord/render/models.js";
import { UserFacingError } from "../src/errors.js";
import { analysisAutocomplete, isEphemeral, publicOption, readAnalysisOptions, roundsOption, scoreOption } from "./options.js";

const data = new SlashCommandBuilder()
  .setName("server")
  .setDescription("This server's members' models together")
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((s) =>
    s
      .setName("diversity")
      .setDescription("Are members' own models more alike than models across members?")
      .addStringOption(scoreOption)
      .addIntegerOption(roundsOption)
      .addBooleanOption(publicOption),
  )
  .addSubcommand((s) => s.setName("optin").setDescription("Count your models in this server's views (names are never shown)"))
  .addSubcommand((s) => s.setName("optout").setDescription("Stop counting your models in this server's views"));

function guildOf(caller: Caller): string {
  if (!caller.guildId) throw new UserFacingError("/server works inside a server, not in direct messages.");
  return caller.guildId;
}

export const command: Command = {
  data,
  async execute({ options, caller, respond }, ctx) {
    const guildId = guildOf(caller);
    const sub = options.getSubcommand();
    if (sub === "diversity") {
      const analysis = readAnalysisOptions(options);
      await respond.defer({ ephemeral: isEphemeral(options) });
      await respond.edit(await ctx.render("serverDiversity", ctx.services.portfolio.serverDiversity(guildId, analysis)));
      return;
    }
    if (sub === "optin" || sub === "optout") {
      await respond.defer({ ephemeral: true });
      const optIn = sub === "optin";
      const changed = ctx.services.registrations.setServerOptIn(guildId, caller.userId, optIn);
      await respond.edit(renderServerOptIn(optIn, changed));
      return;
    }
    throw new UserFacingError("Use /server diversity, optin or optout.");
  },
  autocomplete: analysisAutocomplete,
};
