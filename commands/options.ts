/**
 * Options several commands share (score, rounds, public, model) and their autocomplete, so every
 * command declares them with the same names, limits and wording. Not a command itself.
 */
import type {
  SlashCommandBooleanOption,
  SlashCommandIntegerOption,
  SlashCommandStringOption,
} from "discord.js";
import type { AutocompleteInput, BotContext, Choice, CommandOptions } from "../src/discord/command.js";
import { UserFacingError } from "../src/errors.js";
import { MISSING_ROUNDS, type MissingRounds } from "../src/services/portfolio.js";
import { MAX_ROUNDS_OPTION } from "../src/services/series.js";

export const MAX_SCORE_NAME = 64;
const MAX_CHOICES = 25;

export const scoreOption = (o: SlashCommandStringOption) =>
  o
    .setName("score")
    .setDescription("Score to analyse: a stored name (canon_corr, canon_mmc, …), score (default) or payout")
    .setMaxLength(MAX_SCORE_NAME)
    .setAutocomplete(true);

export const roundsOption = (o: SlashCommandIntegerOption) =>
  o
    .setName("rounds")
    .setDescription("Use only the last N resolved rounds (default: every resolved round stored)")
    .setMinValue(1)
    .setMaxValue(MAX_ROUNDS_OPTION);

/** Choices from the service's one list, so Discord, the shell and /help offer the same. */
export const missingOption = (o: SlashCommandStringOption) =>
  o
    .setName("missing")
    .setDescription("A round one of your models lacks: drop it (default) or count it as 0")
    .addChoices(...Object.entries(MISSING_ROUNDS).map(([value, what]) => ({ name: `${value}: ${what}`.slice(0, 100), value })));

export const publicOption = (o: SlashCommandBooleanOption) =>
  o.setName("public").setDescription("Show the answer to the channel (default: only you see it)");

export const modelOption = (required: boolean, description = "One of your models") => (o: SlashCommandStringOption) =>
  o.setName("model").setDescription(description).setMaxLength(64).setAutocomplete(true).setRequired(required);

/** Options every analysis command reads the same way (`missing` only where the command declares it). */
export function readAnalysisOptions(options: CommandOptions): { score: string | undefined; lastRounds: number | undefined; missingAsZero: boolean } {
  const missing = options.getString("missing") ?? "drop";
  if (!(missing in MISSING_ROUNDS)) throw new UserFacingError(`missing must be one of: ${Object.keys(MISSING_ROUNDS).join(", ")}.`);
  return {
    score: options.getString("score") ?? undefined,
    lastRounds: options.getInteger("rounds") ?? undefined,
    missingAsZero: (missing as MissingRounds) === "zero",
  };
}

/** Personal answers are private unless the caller asked for `public:true`. */
export const isEphemeral = (options: CommandOptions): boolean => options.getBoolean("public") !== true;

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
