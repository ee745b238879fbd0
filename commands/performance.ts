/** /performance: one model's or every model's statistics and cumulative score. */
import { clockOf, defineCommand } from "../src/discord/command.js";
import { applyPress, initialView, viewAnalysis } from "../src/discord/view-state.js";
import { analysisAutocomplete, analysisOf, isEphemeral, modelOption, publicOption, roundsOption, scoreOption } from "./options.js";

export const command = defineCommand({
  definition: {
    name: "performance",
    description: "Statistics and a cumulative score chart for one of your models, or all of them",
    options: [modelOption("One of your models (default: all)"), scoreOption, roundsOption, publicOption],
  },
  async execute({ args, caller, respond }, ctx) {
    const analysis = analysisOf(args);
    await respond.defer({ ephemeral: isEphemeral(args) });
    // The service checks the model is the caller's (autocomplete values are only suggestions).
    const result = ctx.services.portfolio.performance({ userId: caller.userId }, { ...analysis, model: args.model });
    // Views carry score, window and page only: a one-model reply gets links but no components.
    const view = args.model === undefined ? initialView("performance", caller.userId, analysis, clockOf(ctx)) : null;
    await respond.edit(await ctx.render("performance", { ...result, ...(ctx.interactive ? { discord: { view } } : {}) }));
  },
  async components({ state, action, values, caller, respond }, ctx) {
    const view = applyPress(state, action, values, clockOf(ctx));
    const result = ctx.services.portfolio.performance({ userId: caller.userId }, viewAnalysis(view));
    await respond.update(await ctx.render("performance", { ...result, discord: { view } }));
  },
  autocomplete: analysisAutocomplete,
});
