/** /help: every command in one place, how the numbers are defined, and where to read more. */
import type { APIEmbed } from "discord.js";
import { COLORS } from "./format.js";
import { fitToLimits, type MessagePayload } from "./payload.js";

/** The project's home (the same address the Numerai client sends in its User-Agent). */
export const README_URL = "https://github.com/modelfolio/modelfolio#readme";

/** One line per command; a test checks this covers every registered command. */
export const HELP_COMMANDS: ReadonlyArray<{ name: string; usage: readonly string[] }> = [
  {
    name: "models",
    usage: [
      "`/models add name` — track a Numerai model (checked with Numerai; its scores arrive in the background).",
      "`/models remove model` · `/models list` — your models with latest scores and weights.",
      "`/models weight model weight` — declare a model's stake weight. `/models weight-source source` — use declared weights, Numerai stakes at risk, or equal weights. (Discord subcommands have one shape each, hence two.)",
    ],
  },
  {
    name: "correlation",
    usage: ["`/correlation [score] [rounds] [method]` — heatmap, most correlated pairs, near-duplicates, effective number of bets."],
  },
  {
    name: "contribution",
    usage: ["`/contribution [score] [rounds]` — what each model does to your portfolio's Sharpe, with a chart."],
  },
  {
    name: "allocate",
    usage: ["`/allocate [method] [cap] [rounds]` — suggested weights beside yours, tested out of sample."],
  },
  { name: "prune", usage: ["`/prune [score] [rounds]` — which models to drop, and why."] },
  { name: "performance", usage: ["`/performance [model] [score]` — statistics and a cumulative chart."] },
  {
    name: "server",
    usage: ["`/server diversity` — pair correlations within vs across members. `/server optin` · `/server optout` — count your models in it, or not."],
  },
  {
    name: "digest",
    usage: [
      "`/digest subscribe [where] [day] [hour] [timezone]` — a weekly diversification digest in your DMs or this channel (a forum gets a thread a week). `/digest unsubscribe` · `/digest status` · `/digest preview`.",
    ],
  },
  {
    name: "admin",
    usage: [
      "`/admin backfill from to [model]` · `/admin sync` · `/admin import file [score]` · `/admin status` · `/admin backup` — for the bot's admins (ADMIN_USER_IDS).",
    ],
  },
  { name: "help", usage: ["`/help` — this message."] },
];

export const HELP_DEFINITIONS = [
  "**score** option: a stored score name (canon_corr, canon_mmc, …), `score` (corr × multiplier + mmc × multiplier, the default) or `payout` (clipped, per unit of stake).",
  "**rounds**: the last N rounds. Statistics use only rounds every model shares unless stated; rounds still being scored are left out.",
  "**Sharpe (SR)**: mean ÷ standard deviation of per-round scores, not annualised. Rounds overlap in time, so scores are autocorrelated and SR is noisy.",
  "**ρ**: correlation of two models' per-round scores (Pearson, or Spearman ranks).",
  "**Effective bets**: participation ratio (Σλ)²/Σλ² of the correlation matrix's eigenvalues — 1 if all models move together, N if none do; also N/(1+(N−1)ρ̄), Meucci's entropy measure, and minimum-torsion bets (how evenly your weights spread risk; trusted over the entropy measure when they differ).",
  "**Leave-one-out ΔSR**: your Sharpe minus your Sharpe without the model. Positive = it helps.",
  "**Out of sample**: weights refitted on past rounds only, scored on the rounds after.",
  "Answers are private unless you set `public:true`.",
].join("\n");

export function renderHelp(readmeUrl: string = README_URL): MessagePayload {
  const commands: APIEmbed = {
    title: "modelfolio — your Numerai models as a portfolio",
    description: HELP_COMMANDS.flatMap((c) => c.usage).join("\n"),
    color: COLORS.info,
  };
  const numbers: APIEmbed = {
    title: "How the numbers are defined",
    description: `${HELP_DEFINITIONS}\n\nMore in the README: ${readmeUrl}`,
    color: COLORS.neutral,
  };
  return fitToLimits({ embeds: [commands, numbers] });
}
