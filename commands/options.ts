/**
 * Options several commands share (score, rounds, public, model) and their autocomplete, so every
 * command declares them with the same names, limits and wording. Not a command itself.
 */
import { ApplicationCommandOptionType } from "discord.js";
import type { OptionDefinition } from "../src/discord/arguments.js";
import type { AutocompleteInput, BotContext, Choice } from "../src/discord/command.js";
import { MISSING_ROUNDS, type MissingRounds } from "../src/services/portfolio.js";
import { MAX_ROUNDS_OPTION } from "../src/services/series.js";

export const MAX_SCORE_NAME = 64;
const MAX_CHOICES = 25;

export const scoreOption = {
  type: ApplicationCommandOptionType.String,
  name: "score",
  description: "Score to analyse: a stored name (canon_corr, canon_mmc, …), score (default) or payout",
  max_length: MAX_SCORE_NAME,
  autocomplete: true,
} as const satisfies OptionDefinition;

export const roundsOption = {
  type: ApplicationCommandOptionType.Integer,
  name: "rounds",
  description: "Use only the last N resolved rounds (default: every resolved round stored)",
  min_value: 1,
  max_value: MAX_ROUNDS_OPTION,
} as const satisfies OptionDefinition;

/** Choices from the service's one list, so Discord, the shell and /help offer the same. */
export const missingOption = {
  type: ApplicationCommandOptionType.String,
  name: "missing",
  description: "A round one of your models lacks: drop it (default) or count it as 0",
  choices: (Object.keys(MISSING_ROUNDS) as MissingRounds[]).map((value) => ({ name: `${value}: ${MISSING_ROUNDS[value]}`.slice(0, 100), value })),
} as const satisfies OptionDefinition;

export const publicOption = {
  type: ApplicationCommandOptionType.Boolean,
  name: "public",
  description: "Show the answer to the channel (default: only you see it)",
} as const satisfies OptionDefinition;

export const modelOption = (description = "One of your models") =>
  ({ type: ApplicationCommandOptionType.String, name: "model", description, max_length: 64, autocomplete: true }) as const satisfies OptionDefinition;

/** What every analysis command passes its service from the shared options (`missing` only where the command declares it). */
export function analysisOf(args: { readonly score?: string; readonly rounds?: number; readonly missing?: MissingRounds }): {
  score: string | undefined;
  lastRounds: number | undefined;
  missingAsZero: boolean;
} {
  return { score: args.score, lastRounds: args.rounds, missingAsZero: args.missing === "zero" };
}

/** Personal answers are private unless the caller asked for `public:true`. */
export const isEphemeral = (args: { readonly public?: boolean }): boolean => args.public !== true;

const toChoices = (values: readonly string[]): Choice[] => values.slice(0, MAX_CHOICES).map((v) => ({ name: v, value: v }));

/** The caller's model names starting with what they typed. */
export function ownModelChoices(input: AutocompleteInput, ctx: BotContext): Choice[] {
  return toChoices(ctx.services.registrations.suggestOwn(input.caller.userId, input.focused.value));
}

/** "score", "payout" and every score name stored for the caller's models, filtered by what they typed. */
export function scoreChoices(input: AutocompleteInput, ctx: BotContext): Choice[] {
  const prefix = input.focused.value.trim().toLowerCase();
  const names = ["score", "payout", ...ctx.services.registrations.scoreNames(input.caller.userId)];
  const starts = names.filter((n) => n.startsWith(prefix));
  const contains = names.filter((n) => !n.startsWith(prefix) && n.includes(prefix));
  return toChoices([...new Set([...starts, ...contains])]);
}

/** Autocomplete for analysis commands: the score option, or the caller's models for `model`. */
export function analysisAutocomplete(input: AutocompleteInput, ctx: BotContext): Choice[] {
  if (input.focused.name === "score") return scoreChoices(input, ctx);
  if (input.focused.name === "model") return ownModelChoices(input, ctx);
  return [];
}
