/** /contribution: what each model does to the caller's portfolio Sharpe. */
import { clockOf, defineCommand } from "../src/discord/command.js";
import { applyPress, initialView, viewAnalysis } from "../src/discord/view-state.js";
import { analysisAutocomplete, analysisOf, isEphemeral, missingOption, publicOption, roundsOption, scoreOption } from "./options.js";

export const command = defineCommand({
  definition: {
    name: "contribution",
    description: "Each model's Sharpe, marginal and leave-one-out contribution, risk share and hedge value",
    options: [scoreOption, roundsOption, missingOption, publicOption],
  },
  async execute({ args, caller, respond }, ctx) {
    const analysis = analysisOf(args);
    await respond.defer({ ephemeral: isEphemeral(args) });
    // Views carry score and window only: a missing:zero reply gets links but no components.
    const view = analysis.missingAsZero ? null : initialView("contribution", caller.userId, analysis, clockOf(ctx));
    const extra = ctx.interactive ? { discord: { view } } : {};
    await respond.edit(await ctx.analyse("contribution", { selection: { userId: caller.userId }, options: analysis, extra }));
  },
  async components({ state, action, values, caller, respond }, ctx) {
    const view = applyPress(state, action, values, clockOf(ctx));
    await respond.update(await ctx.analyse("contribution", { selection: { userId: caller.userId }, options: viewAnalysis(view), extra: { discord: { view } } }));
  },
  autocomplete: analysisAutocomplete,
});
