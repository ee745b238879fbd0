/** /history: the portfolio's diversity and Sharpe through time, as one stacked chart. */
import type { APIEmbed } from "discord.js";
import type { PortfolioService } from "../../services/portfolio.js";
import { renderStackedLineChart } from "./charts/index.js";
import { COLORS, codeBlockTable, codeNames, fmt, notesFooter, pct, plural, roundsText, modelLinksField } from "./format.js";
import type { DiscordExtras } from "./explore.js";
import { fitToLimits, type MessagePayload } from "./payload.js";
import { weightsUsedField } from "./weights.js";

export type HistoryResult = ReturnType<PortfolioService["history"]>;

export const HISTORY_FILE_NAME = "history.png";
/** More correlation lines than this are unreadable; the models most correlated with the rest now are drawn. */
const MAX_LINES = 8;
const TABLE_CHARS = 2400;

export const HISTORY_DEFINITIONS =
  "Each point uses the trailing window of shared rounds up to that round. **ρ with the rest**: a model's correlation with your other models weighted as your portfolio weights them. " +
  "**Effective bets**: the participation ratio (Σλ)²/Σλ² of the window's correlation matrix (1 = all move together, N = none do). **Sharpe**: your weighted portfolio's mean ÷ sd per round, not annualised. Windows overlap, so neighbouring points share most rounds.";

const point = (p: { round: number; value: number } | null, digits: number) => (p === null ? "n/a" : `${fmt(p.value, digits)} (round ${p.round})`);

export function renderHistory(r: HistoryResult & DiscordExtras): MessagePayload {
  const latestRho = (m: HistoryResult["models"][number]) => m.latest?.value ?? -Infinity;
  const byLatest = [...r.models].sort((a, b) => latestRho(b) - latestRho(a));
  const drawn = r.models.length <= MAX_LINES ? r.models : byLatest.slice(0, MAX_LINES);
  const xs = r.roundNumbers;
  const line = (ys: Float64Array) => Array.from(ys, (y, t) => ({ x: xs[t] as number, y }));
  const chart = renderStackedLineChart({
    title: `Your ${plural(r.models.length, "model")} through time`,
    subtitle: `${r.scoreLabel}, rolling ${r.window}-round window${r.models.length > MAX_LINES ? `; ρ of the ${MAX_LINES} models most correlated with the rest now` : ""}`,
    xLabel: "round",
    panels: [
      { label: "ρ with the rest of your portfolio", yRange: [-1, 1], series: drawn.map((m) => ({ name: m.name, points: line(m.correlation) })) },
      { label: "effective bets (participation ratio)", yRange: [1, 1], series: [{ name: "effective bets", points: line(r.bets) }] },
      { label: "portfolio Sharpe per round", series: [{ name: "portfolio Sharpe", points: line(r.sharpe) }] },
    ],
  });
  const short = codeNames(
    r.models.map((m) => m.name),
    16,
  );
  const table = codeBlockTable(
    {
      headers: ["model", "weight", "ρ rest now"],
      rows: byLatest.map((m) => [short(m.name), pct(m.weight, 1), fmt(m.latest?.value, 2)]),
    },
    TABLE_CHARS,
  );
  const description = [
    `${plural(r.models.length, "model")} on ${r.scoreLabel}, over a rolling window of ${r.window} of the ${r.commonRounds} rounds they share.`,
    roundsText(r.rounds),
    `**Effective bets**: ${point(r.betsFirst, 1)} → **${point(r.betsLatest, 1)}**.`,
    `**Portfolio Sharpe**: ${point(r.sharpeFirst, 2)} → **${point(r.sharpeLatest, 2)}**.`,
    table.text,
    ...(table.shown < r.models.length ? [`Showing ${table.shown} of ${r.models.length} models, most correlated with the rest first.`] : []),
  ].join("\n");
  const footer = notesFooter(r.notes);
  const embed: APIEmbed = {
    title: "History",
    description,
    color: COLORS.info,
    fields: [weightsUsedField(r.weights), { name: "Definitions", value: HISTORY_DEFINITIONS }, ...(r.discord ? [modelLinksField(r.models.map((m) => m.name))] : [])],
    image: { url: `attachment://${HISTORY_FILE_NAME}` },
    ...(footer ? { footer } : {}),
  };
  return fitToLimits({ embeds: [embed], files: [{ name: HISTORY_FILE_NAME, data: chart.png, description: "Rolling correlation with the rest, effective bets and Sharpe per round" }] });
}
