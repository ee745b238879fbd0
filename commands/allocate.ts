/** /allocate: suggested weights for the caller's models, checked out of sample. */
import { SlashCommandBuilder } from "discord.js";
import { clockOf, type Command } from "../src/discord/command.js";
import { renderAdoptConfirm, renderAdopted } from "../src/discord/render/allocate.js";
import { confirmRows } from "../src/discord/render/explore.js";
import { VIEW_ACTIONS, applyPress, initialView, viewAnalysis, viewMethod } from "../src/discord/view-state.js";
import { ALLOCATION_METHOD_CHOICES } from "../src/services/portfolio.js";
import { analysisAutocomplete, isEphemeral, missingOption, publicOption, readAnalysisOptions, roundsOption, scoreOption } from "./options.js";

const data = new SlashCommandBuilder()
  .setName("allocate")
  .setDescription("Suggested weights beside your current ones, with an out-of-sample check")
  .addStringOption((o) => o.setName("method").setDescription("Allocation method (default: all)").addChoices(...ALLOCATION_METHOD_CHOICES))
  .addNumberOption((o) => o.setName("cap").setDescription("Largest weight one model may get, 0.05–1 (default 0.35)").setMinValue(0.05).setMaxValue(1))
  .addIntegerOption(roundsOption)
  .addStringOption(scoreOption)
  .addStringOption(missingOption)
  .addBooleanOption(publicOption);

export const command: Command = {
  data,
  async execute({ options, caller, respond }, ctx) {
    const analysis = readAnalysisOptions(options);
    const method = options.getString("method") ?? "all";
    const cap = options.getNumber("cap");
    await respond.defer({ ephemeral: isEphemeral(options) });
    const result = ctx.services.portfolio.allocate({ userId: caller.userId }, { ...analysis, method, ...(cap !== null ? { cap } : {}) });
    // Views carry score, window and method only: a reply with a cap or missing:zero gets links but no components.
    const view = cap === null && !analysis.missingAsZero ? initialView("allocate", caller.userId, { ...analysis, method }, clockOf(ctx)) : null;
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
};
