/** /whatif: proposed against current weights (in and out of sample), one cumulative chart, and the payout-rule simulation. */
import type { APIEmbed } from "discord.js";
import type { WhatIfService } from "../../services/what-if.js";
import { renderLineChart } from "./charts/index.js";
import { COLORS, NA, codeBlockTable, codeNames, fmt, fmtSigned, notesFooter, pct, plural, roundsText } from "./format.js";
import { fitToLimits, type MessagePayload } from "./payload.js";
import { weightsUsedField } from "./weights.js";

export type WhatIfResult = ReturnType<WhatIfService["whatIf"]>;
type Figures = WhatIfResult["inSample"]["current"] | null;

export const WHAT_IF_FILE_NAME = "whatif.png";
const TABLE_CHARS = 900;

export const WHAT_IF_DEFINITIONS =
  "**mean** and **Sharpe** (mean ÷ sd, not annualised) of the weighted portfolio's per-round score; **max DD**: the largest fall of its cumulative score; " +
  "**CVaR 5%**: the mean of its worst 5% of rounds; **turnover**: ½Σ|w_new − w_old|, in sample the switch from your weights, out of sample the mean per rebalance.";

export const PAYOUT_SIMULATION_TEXT =
  "**Simulation, not a Numerai rule**: what each model would have added to your portfolio (weight × score, summed over these rounds) if a round where the rest of your portfolio lost paid **c×** (gains and losses alike; c = 1 is today's rule), " +
  "and if today's total were instead paid in proportion to each model's positive leave-one-out Sharpe contribution (**ΔSR**).";

const cells = (f: Figures) => (f ? [fmt(f.mean, 4), fmt(f.sharpe, 2), fmt(f.maxDrawdown, 3), fmt(f.cvar5, 4), fmt(f.turnover, 2)] : [NA, NA, NA, NA, NA]);

const shownOf = (shown: number, all: number) => `Showing ${shown} of ${all} rows; \`modelfolio analyze whatif --json\` gives them all.`;

export function renderWhatIf(r: WhatIfResult): MessagePayload {
  const short = codeNames(r.names, 16);
  const xs = r.cumulative.rounds;
  const line = (ys: Float64Array) => Array.from(ys, (y, t) => ({ x: xs[t] as number, y }));
  const chart = renderLineChart({
    title: "What if: cumulative score",
    subtitle: `${r.scoreLabel}, ${r.commonRounds} shared rounds, in sample`,
    xLabel: "round",
    yLabel: "cumulative score",
    series: [
      { name: "current weights", points: line(r.cumulative.current) },
      { name: r.label, points: line(r.cumulative.proposed) },
    ],
  });
  const weights = codeBlockTable(
    { headers: ["model", "now", "proposed"], rows: r.names.map((n, i) => [short(n), pct(r.current.weights[i], 0), pct(r.proposed.weights[i], 0)]) },
    TABLE_CHARS,
  );
  const oosLabel = r.oos ? `out of sample, ${plural(r.oos.rounds, "round")} from ${r.oos.firstRound ?? NA}` : "out of sample";
  const figures = codeBlockTable(
    {
      headers: ["", "mean", "Sharpe", "max DD", "CVaR5", "turn"],
      rows: [
        ["in: now", ...cells(r.inSample.current)],
        ["in: proposed", ...cells(r.inSample.proposed)],
        ["out: now", ...cells(r.oos?.current ?? null)],
        ["out: proposed", ...cells(r.oos?.proposed ?? null)],
      ],
    },
    TABLE_CHARS,
  );
  const cs = r.payout.multipliers;
  const payout = codeBlockTable(
    {
      headers: ["model", ...cs.map((c) => (c === 1 ? "today" : `${c}×`)), "ΔSR"],
      rows: [
        ...r.payout.rows.map((row) => [short(row.name), ...Array.from(row.byMultiplier, (v) => fmtSigned(v, 3)), fmtSigned(row.byMarginalSharpe, 3)]),
        ["portfolio", ...Array.from(r.payout.portfolioByMultiplier, (v) => fmtSigned(v, 3)), fmtSigned(r.payout.portfolioByMarginalSharpe, 3)],
      ],
    },
    TABLE_CHARS,
  );
  const stated: string[] = [];
  if (r.proposed.normalisedFrom !== null) stated.push(`Your shares added up to ${pct(r.proposed.normalisedFrom, 1)}, so each was divided by that sum.`);
  if (r.proposed.unnamed.length > 0) stated.push(`Not named, so 0 in the proposal: ${r.proposed.unnamed.join(", ")}.`);
  const description = [
    `**${r.label}** against your current weights on ${r.scoreLabel}, over the ${r.commonRounds} rounds your ${plural(r.names.length, "model")} share.`,
    roundsText(r.rounds),
    ...stated,
    weights.text,
    ...(weights.shown < r.names.length ? [shownOf(weights.shown, r.names.length)] : []),
    `In sample, and ${oosLabel} (${r.walkForward.refitted ? `the method refitted every ${r.walkForward.rebalanceEvery} rounds on resolved rounds only` : "the typed weights held fixed"}):`,
    figures.text,
    `**${r.caveat}**`,
  ].join("\n");
  const footer = notesFooter(r.notes);
  const embed: APIEmbed = {
    title: "What if",
    description,
    color: COLORS.info,
    fields: [
      { name: "Payout rules, simulated on your current weights", value: payout.shown < r.payout.rows.length + 1 ? `${payout.text}\n${shownOf(payout.shown, r.payout.rows.length + 1)}` : payout.text },
      { name: "What the simulation is", value: PAYOUT_SIMULATION_TEXT },
      weightsUsedField(r.current.used),
      { name: "Definitions", value: WHAT_IF_DEFINITIONS },
    ],
    image: { url: `attachment://${WHAT_IF_FILE_NAME}` },
    ...(footer ? { footer } : {}),
  };
  return fitToLimits({ embeds: [embed], files: [{ name: WHAT_IF_FILE_NAME, data: chart.png, description: "Cumulative score of the current and proposed weights" }] });
}
