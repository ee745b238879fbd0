/** /performance: per-model statistics and a cumulative score chart. */
import type { APIEmbed, APIEmbedField } from "discord.js";
import type { PortfolioService } from "../../services/portfolio.js";
import { renderLineChart } from "./charts/index.js";
import { exploreRows, pageOf, type ActionRow, type DiscordExtras } from "./explore.js";
import { COLORS, NA, codeBlockTable, codeNames, csvFile, fmt, fmtSigned, int, modelLinksField, notesFooter, pct, plural, roundsText, safeName } from "./format.js";
import { fitToLimits, type FileAttachment, type MessagePayload } from "./payload.js";

export type PerformanceResult = ReturnType<PortfolioService["performance"]>;
type Row = PerformanceResult["rows"][number];

/** More lines than this make the chart unreadable; the best by Sharpe are drawn. */
const MAX_LINES = 10;
const TABLE_CHARS = 3200;

export const PERFORMANCE_DEFINITIONS =
  "Per round: **mean** and **sd** of scores; **SR** = mean ÷ sd; **Sortino** = mean ÷ downside deviation; " +
  "**max DD** = the largest fall of the cumulative score from a peak; **hit** = share of rounds above 0; " +
  "**CVaR 5%** = the mean of the worst 5% of rounds. Rounds overlap in time, so these are not independent draws.";

function modelRoundsText(r: Row): string {
  return r.firstRound === null || r.lastRound === null ? "no rounds" : `rounds ${r.firstRound}–${r.lastRound}`;
}

/** "+3.2500 NMR over 40 staked rounds (0.067% per unit staked, mean at risk 120.50); at risk 130.00 in round 839". */
export function nmrText(n: NonNullable<Row["nmr"]>): string {
  return `${fmtSigned(n.paid, 4)} NMR over ${plural(n.stakedRounds, "staked round")} (${pct(n.perUnit, 3)} per unit staked, mean at risk ${fmt(n.meanAtRisk, 2)}); at risk ${fmt(n.latestAtRisk, 2)} in round ${n.latestRound}`;
}

function singleModelFields(r: Row, annualised: boolean): APIEmbedField[] {
  const s = r.stats;
  if (!s) return [{ name: "Statistics", value: "Not enough data: no scores in this window." }];
  const a = annualised ? " (annualised)" : "";
  return [
    { name: "Rounds", value: `${int(s.n)} (${modelRoundsText(r)})`, inline: true },
    { name: "Mean", value: fmt(s.mean, 4), inline: true },
    { name: "Std dev", value: fmt(s.std, 4), inline: true },
    { name: `Sharpe${a}`, value: fmt(s.sharpe, 3), inline: true },
    { name: `Sortino${a}`, value: fmt(s.sortino, 3), inline: true },
    { name: "Max drawdown", value: fmt(s.maxDrawdown, 4), inline: true },
    { name: `Calmar${a}`, value: fmt(s.calmar, 3), inline: true },
    { name: "Hit rate", value: pct(s.hitRate, 1), inline: true },
    { name: "CVaR 5%", value: fmt(s.cvar5, 4), inline: true },
    ...(r.nmr ? [{ name: "Paid in NMR (as Numerai reported)", value: nmrText(r.nmr) }] : []),
  ];
}

const sharpeOf = (r: Row) => (r.stats && Number.isFinite(r.stats.sharpe) ? r.stats.sharpe : -Infinity);

export function renderPerformance(r: PerformanceResult & DiscordExtras): MessagePayload {
  const rows = r.rows;
  const view = r.discord?.view ?? null;
  let components: ActionRow[] = exploreRows(view);
  let linked: readonly string[] = rows.map((x) => x.name);
  const annualised = r.periodsPerYear !== null;
  const files: FileAttachment[] = [];
  const fields: APIEmbedField[] = [];
  let description: string;

  const drawn = rows.length <= MAX_LINES ? rows : [...rows].sort((a, b) => sharpeOf(b) - sharpeOf(a)).slice(0, MAX_LINES);
  const chart = renderLineChart({
    title: rows.length === 1 ? `Cumulative ${r.scoreLabel}: ${rows[0]?.name ?? ""}` : `Cumulative ${r.scoreLabel}`,
    subtitle: rows.length > MAX_LINES ? `The ${MAX_LINES} models with the highest Sharpe of ${rows.length}` : undefined,
    xLabel: "round",
    yLabel: "cumulative score",
    series: drawn.map((x) => ({ name: x.name, points: x.cumulative.map((p) => ({ x: p.round, y: p.value })) })),
  });
  files.push({ name: "performance.png", data: chart.png, description: "Cumulative score per round" });

  if (rows.length === 1) {
    const only = rows[0] as Row;
    description = `**${safeName(only.name)}** on ${r.scoreLabel}, ${modelRoundsText(only)}.\n${roundsText(r.rounds)}`;
    fields.push(...singleModelFields(only, annualised));
  } else {
    const sorted = [...rows].sort((a, b) => sharpeOf(b) - sharpeOf(a));
    const staked = rows.some((x) => x.nmr !== null);
    const short = codeNames(
      rows.map((x) => x.name),
      16,
    );
    // With components, the table pages (Previous / Next); without (the shell), it is cut to fit as before.
    const shownPage = view ? pageOf(sorted, view.page) : { rows: sorted, page: 0, pages: 1, first: 0 };
    if (view) components = exploreRows(view, shownPage);
    linked = shownPage.rows.map((x) => x.name);
    const table = codeBlockTable(
      {
        headers: ["model", "rounds", "mean", "SR", "max DD", "hit", "CVaR5", ...(staked ? ["NMR paid"] : [])],
        rows: shownPage.rows.map((x) => [
          short(x.name),
          x.stats ? int(x.stats.n) : "0",
          fmt(x.stats?.mean, 4),
          fmt(x.stats?.sharpe, 2),
          fmt(x.stats?.maxDrawdown, 3),
          x.stats ? pct(x.stats.hitRate, 0) : NA,
          fmt(x.stats?.cvar5, 4),
          ...(staked ? [x.nmr ? fmtSigned(x.nmr.paid, 2) : NA] : []),
        ]),
      },
      TABLE_CHARS,
    );
    description = `${plural(rows.length, "model")} on ${r.scoreLabel}, each over its own rounds, highest Sharpe first${annualised ? " (Sharpe annualised)" : ""}.\n${roundsText(r.rounds)}\n${table.text}`;
    if (staked) description += "\n**NMR paid**: the payouts Numerai reported over the same rounds, where it reported a stake.";
    if (shownPage.pages > 1) description += `\nModels ${shownPage.first + 1}–${shownPage.first + table.shown} of ${rows.length} (page ${shownPage.page + 1} of ${shownPage.pages}).`;
    if (table.shown < rows.length) {
      if (shownPage.pages === 1) description += `\nShowing ${table.shown} of ${rows.length}; every model is in performance.csv.`;
      else description += " Every model is in performance.csv.";
      files.push(
        csvFile(
          "performance.csv",
          ["model", "first_round", "last_round", "rounds", "mean", "std", "sharpe", "sortino", "max_drawdown", "calmar", "hit_rate", "cvar5", "nmr_paid", "nmr_staked_rounds", "nmr_mean_at_risk", "nmr_at_risk_latest"],
          sorted.map((x) => [
            x.name,
            x.firstRound,
            x.lastRound,
            x.stats?.n ?? 0,
            x.stats?.mean,
            x.stats?.std,
            x.stats?.sharpe,
            x.stats?.sortino,
            x.stats?.maxDrawdown,
            x.stats?.calmar,
            x.stats?.hitRate,
            x.stats?.cvar5,
            x.nmr?.paid,
            x.nmr?.stakedRounds,
            x.nmr?.meanAtRisk,
            x.nmr?.latestAtRisk,
          ]),
        ),
      );
    }
  }
  fields.push({ name: "Definitions", value: PERFORMANCE_DEFINITIONS });
  if (r.discord) fields.push(modelLinksField(linked));
  const footer = notesFooter(r.notes);
  const embed: APIEmbed = {
    title: rows.length === 1 ? "Performance" : `Performance of your ${plural(rows.length, "model")}`,
    description,
    color: COLORS.info,
    fields,
    image: { url: "attachment://performance.png" },
    ...(footer ? { footer } : {}),
  };
  return fitToLimits({ embeds: [embed], files, ...(r.discord ? { components } : {}) });
}
