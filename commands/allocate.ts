/** /allocate: suggested weights for the caller's models, checked out of sample. */
import { ApplicationCommandOptionType } from "discord.js";
import { defineCommand } from "../src/discord/command.js";
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
    await respond.defer({ ephemeral: isEphemeral(args) });
    const result = ctx.services.portfolio.allocate(
      { userId: caller.userId },
      { ...analysisOf(args), method: args.method ?? "all", ...(args.cap !== undefined ? { cap: args.cap } : {}) },
    );
    await respond.edit(await ctx.render("allocate", result));
  },
  autocomplete: analysisAutocomplete,
});
