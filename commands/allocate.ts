/** /allocate: suggested weights for the caller's models, checked out of sample. */
import { ApplicationCommandOptionType } from "discord.js";
import { clockOf, defineCommand } from "../src/discord/command.js";
import { renderAdoptConfirm, renderAdopted } from "../src/discord/render/allocate.js";
import { confirmRows } from "../src/discord/render/explore.js";
import { VIEW_ACTIONS, applyPress, initialView, viewAnalysis, viewMethod } from "../src/discord/view-state.js";
import { ALLOCATION_METHOD_CHOICES } from "../src/services/portfolio.js";
import { analysisAutocomplete, analysisOf, isEphemeral, missingOption, publicOption, roundsOption, scoreOption } from "./options.js";

export const command = defineCommand({
  definition: {
    name: "allocate",
    description: "Suggested weights beside your current ones, with an out-of-sample check",
    options: [
      { type: ApplicationCommandOptionType.String, name: "method", description: "Allocation method (default: all)", choices: ALLOCATION_METHOD_CHOICES },
      { type: ApplicationCommandOptionType.Number, name: "cap", description: "Largest weight one model may get, 0.05–1 (default 0.35)", min_value: 0.05, max_value: 1 },
      roundsOption,
      scoreOption,
      missingOption,
      publicOption,
    ],
  },
  async execute({ args, caller, respond }, ctx) {
    const analysis = analysisOf(args);
    const method = args.method ?? "all";
    const { cap } = args;
    await respond.defer({ ephemeral: isEphemeral(args) });
    const result = ctx.services.portfolio.allocate({ userId: caller.userId }, { ...analysis, method, ...(cap !== undefined ? { cap } : {}) });
    // Views carry score, window and method only: a reply with a cap or missing:zero gets links but no components.
    const view = cap === undefined && !analysis.missingAsZero ? initialView("allocate", caller.userId, { ...analysis, method }, clockOf(ctx)) : null;
    await respond.edit(await ctx.render("allocate", { ...result, ...(ctx.interactive ? { discord: { view } } : {}) }));
  },
  async components({ state, action, values, caller, respond }, ctx) {
    const view = applyPress(state, action, values, clockOf(ctx));
    const opts = { ...viewAnalysis(view), method: viewMethod(view) };
    switch (action) {
      case VIEW_ACTIONS.use:
        // Nothing changes here: the question, with Confirm / Cancel.
        await respond.update({ ...renderAdoptConfirm(ctx.services.adoption.propose(caller.userId, opts)), components: confirmRows(view) });
        return;
      case VIEW_ACTIONS.confirm:
        // The router re-checked owner and expiry for this press; the suggestion is recomputed, not read from the message.
        await respond.update(renderAdopted(ctx.services.adoption.adopt(caller.userId, opts)));
        return;
      default: {
        // A window, score or method change, or Cancel: the allocation for the view, unchanged weights.
        const result = ctx.services.portfolio.allocate({ userId: caller.userId }, opts);
        await respond.update(await ctx.render("allocate", { ...result, discord: { view } }));
      }
    }
  },
  autocomplete: analysisAutocomplete,
});
