/**
 * /history: how the caller's portfolio's diversity and Sharpe moved through time. A command of its
 * own, not a `view:` of /correlation: its `window` option means nothing to the other commands.
 */
import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { HISTORY_WINDOW } from "../src/services/portfolio.js";
import { analysisAutocomplete, isEphemeral, missingOption, publicOption, readAnalysisOptions, roundsOption, scoreOption } from "./options.js";

const data = new SlashCommandBuilder()
  .setName("history")
  .setDescription("Through time: each model's correlation with the rest, effective bets and portfolio Sharpe")
  .addStringOption(scoreOption)
  .addIntegerOption((o) =>
    o
      .setName("window")
      .setDescription(`Rounds in each rolling window (default ${HISTORY_WINDOW.default})`)
      .setMinValue(HISTORY_WINDOW.min)
      .setMaxValue(HISTORY_WINDOW.max),
  )
  .addIntegerOption(roundsOption)
  .addStringOption(missingOption)
  .addBooleanOption(publicOption);

export const command: Command = {
  data,
  async execute({ options, caller, respond }, ctx) {
    const analysis = readAnalysisOptions(options);
    const window = options.getInteger("window") ?? undefined;
    await respond.defer({ ephemeral: isEphemeral(options) });
    const result = ctx.services.portfolio.history({ userId: caller.userId }, { ...analysis, window });
    await respond.edit(await ctx.render("history", { ...result, ...(ctx.interactive ? { discord: { view: null } } : {}) }));
  },
  autocomplete: analysisAutocomplete,
};
