/** /help: every command in one place, how the numbers are defined, and where to read more. */
import type { APIEmbed } from "discord.js";
import { ALERT_KINDS, ALERT_ROUNDS, type AlertKind } from "../../services/alerts.js";
import { MISSING_ROUNDS } from "../../services/portfolio.js";
import { COLORS } from "./format.js";
import { fitToLimits, type MessagePayload } from "./payload.js";

/** The project's home (the same address the Numerai client sends in its User-Agent). */
export const README_URL = "https://github.com/modelfolio/modelfolio#readme";

/** One line per command; a test checks this covers every registered command. */
export const HELP_COMMANDS: ReadonlyArray<{ name: string; usage: readonly string[] }> = [
  {
    name: "models",
    usage: [
      "`/models add name` — track Numerai models, one or more names (checked with Numerai; their scores arrive in the background). `/models add account` — every model of a Numerai account.",
      "`/models remove model` (one or more) · `/models list` — your models with latest scores, weights and where each weight came from.",
      "`/models weight model [weight]` — declare a model's share of your portfolio (0.3 = 30%), or leave weight out to clear it; `weights:\"a=0.5 b=0.3\"` sets several. Models without one get their Numerai stake share, else an equal share of what is left. `/models weight-source source` — declared (that rule), Numerai stakes, or equal weights. (Discord subcommands have one shape each, hence two.)",
    ],
  },
  {
    name: "correlation",
    usage: ["`/correlation [score] [rounds] [missing] [method]` — heatmap, most correlated pairs, near-duplicates, effective number of bets."],
  },
  {
    name: "contribution",
    usage: ["`/contribution [score] [rounds] [missing]` — what each model does to your portfolio's Sharpe, with a chart."],
  },
  {
    name: "allocate",
    usage: ["`/allocate [method] [cap] [rounds] [missing]` — suggested weights beside yours, tested out of sample."],
  },
  { name: "prune", usage: ["`/prune [score] [rounds] [missing]` — which models to drop, and why."] },
  {
    name: "whatif",
    usage: ["`/whatif weights:\"a=0.5 b=0.5\"` or `/whatif method:hrp` `[rounds] [score] [missing]` — proposed weights against yours, in and out of sample, with a cumulative chart; and simulated payout rules."],
  },
  { name: "performance", usage: ["`/performance [model] [score] [rounds]` — statistics and a cumulative chart."] },
  {
    name: "history",
    usage: ["`/history [score] [window] [rounds] [missing]` — through time: each model's correlation with the rest, effective bets and your portfolio's Sharpe, over a rolling window."],
  },
  {
    name: "export",
    usage: ["`/export` — every stored round of your models (each score, multipliers, payouts, resolved, Numerai or imported) as a CSV file; re-imports with `modelfolio import`."],
  },
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
    name: "alerts",
    usage: [
      `\`/alerts subscribe kind [threshold] [rounds] [where]\` — be told, at most once a day, in your DMs or this channel: ${(Object.keys(ALERT_KINDS) as AlertKind[])
        .map((k) => `**${k}** (${ALERT_KINDS[k].description}; default ${ALERT_KINDS[k].threshold.default})`)
        .join(", ")}. Window: the last ${ALERT_ROUNDS.default} resolved rounds unless \`rounds\` says otherwise. Silent until the next hourly check, which takes the baseline. \`/alerts unsubscribe kind\` · \`/alerts list\`.`,
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
  "**rounds**: the last N resolved rounds (rounds still being scored are never used). Every reply states the rounds it used.",
  `**missing**: what a round one of your models lacks does to statistics over all models: ${Object.entries(MISSING_ROUNDS)
    .map(([value, what]) => `\`${value}\` — ${what}`)
    .join("; ")}.`,
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
