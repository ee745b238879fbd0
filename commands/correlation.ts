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
    const result = ctx.services.portfolio.correlation({ userId: caller.userId }, { ...analysis, method });
    // Views carry score and window only: a Spearman or missing:zero reply gets links but no components.
    const view = method === "pearson" && !analysis.missingAsZero ? initialView("correlation", caller.userId, analysis, clockOf(ctx)) : null;
    await respond.edit(await ctx.render("correlation", { ...result, ...(ctx.interactive ? { discord: { view } } : {}) }));
  },
  async components({ state, action, values, caller, respond }, ctx) {
    const view = applyPress(state, action, values, clockOf(ctx));
    const result = ctx.services.portfolio.correlation({ userId: caller.userId }, viewAnalysis(view));
    await respond.update(await ctx.render("correlation", { ...result, discord: { view } }));
  },
  autocomplete: analysisAutocomplete,
});
