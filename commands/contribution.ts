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
    const result = ctx.services.portfolio.contribution({ userId: caller.userId }, analysis);
    // Views carry score and window only: a missing:zero reply gets links but no components.
    const view = analysis.missingAsZero ? null : initialView("contribution", caller.userId, analysis, clockOf(ctx));
    await respond.edit(await ctx.render("contribution", { ...result, ...(ctx.interactive ? { discord: { view } } : {}) }));
  },
  async components({ state, action, values, caller, respond }, ctx) {
    const view = applyPress(state, action, values, clockOf(ctx));
    const result = ctx.services.portfolio.contribution({ userId: caller.userId }, viewAnalysis(view));
    await respond.update(await ctx.render("contribution", { ...result, discord: { view } }));
  },
  autocomplete: analysisAutocomplete,
});
