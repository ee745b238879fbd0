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
    // Views carry score, window and page only: a one-model reply gets links but no components.
    const view = args.model === undefined ? initialView("performance", caller.userId, analysis, clockOf(ctx)) : null;
    const extra = ctx.interactive ? { discord: { view } } : {};
    // The service checks the model is the caller's (autocomplete values are only suggestions).
    await respond.edit(await ctx.analyse("performance", { selection: { userId: caller.userId }, options: { ...analysis, model: args.model }, extra }));
  },
  async components({ state, action, values, caller, respond }, ctx) {
    const view = applyPress(state, action, values, clockOf(ctx));
    await respond.update(await ctx.analyse("performance", { selection: { userId: caller.userId }, options: viewAnalysis(view), extra: { discord: { view } } }));
  },
  autocomplete: analysisAutocomplete,
});
