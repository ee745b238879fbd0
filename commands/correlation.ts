/** /correlation: how alike the caller's models are. */
import { ApplicationCommandOptionType } from "discord.js";
import { clockOf, defineCommand } from "../src/discord/command.js";
import { applyPress, initialView, viewAnalysis } from "../src/discord/view-state.js";
import { analysisAutocomplete, analysisOf, isEphemeral, missingOption, publicOption, roundsOption, scoreOption } from "./options.js";

export const command = defineCommand({
  definition: {
    name: "correlation",
    description: "How alike your models are: heatmap, closest pairs, near-duplicates, effective number of bets",
    options: [
      scoreOption,
      roundsOption,
      missingOption,
      {
        type: ApplicationCommandOptionType.String,
        name: "method",
        description: "Correlation measure (default pearson)",
        choices: [
          { name: "pearson", value: "pearson" },
          { name: "spearman (ranks)", value: "spearman" },
        ],
      },
      publicOption,
    ],
  },
  async execute({ args, caller, respond }, ctx) {
    const analysis = analysisOf(args);
    const method = args.method ?? "pearson";
    await respond.defer({ ephemeral: isEphemeral(args) });
    // Views carry score and window only: a Spearman or missing:zero reply gets links but no components.
    const view = method === "pearson" && !analysis.missingAsZero ? initialView("correlation", caller.userId, analysis, clockOf(ctx)) : null;
    const extra = ctx.interactive ? { discord: { view } } : {};
    await respond.edit(await ctx.analyse("correlation", { selection: { userId: caller.userId }, options: { ...analysis, method }, extra }));
  },
  async components({ state, action, values, caller, respond }, ctx) {
    const view = applyPress(state, action, values, clockOf(ctx));
    await respond.update(await ctx.analyse("correlation", { selection: { userId: caller.userId }, options: viewAnalysis(view), extra: { discord: { view } } }));
  },
  autocomplete: analysisAutocomplete,
});
