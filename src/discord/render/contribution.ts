/** /contribution: what each model does to the portfolio's Sharpe, with a leave-one-out bar chart. */
import type { APIEmbed } from "discord.js";
import type { PortfolioService } from "../../services/portfolio.js";
import { renderBarChart } from "./charts/index.js";
import { exploreRows, pageOf, type DiscordExtras } from "./explore.js";
import { COLORS, codeBlockTable, codeNames, csvFile, fmt, fmtSigned, modelLinksField, notesFooter, pct, plural, roundsText, safeName } from "./format.js";
import { fitToLimits, type FileAttachment, type MessagePayload } from "./payload.js";
import { weightsUsedField } from "./weights.js";

export type ContributionResult = ReturnType<PortfolioService["contribution"]>;
type Row = ContributionResult["rows"][number];

/** Above this many models the chart shows the most helpful and the most harmful halves. */
const MAX_BARS = 40;
const TABLE_CHARS = 3000;

export const CONTRIBUTION_DEFINITIONS = [
  "**SR** — the model's own Sharpe: mean ÷ standard deviation of its per-round scores (not annualised).",
  "**LOO ΔSR** — leave-one-out: your portfolio's Sharpe minus its Sharpe without the model (the rest re-weighted). Positive = the model helps.",
  "**∇SR** — the gradient ∂SR/∂weight: positive = a little more weight on it would raise the portfolio Sharpe.",
  "**risk** — the model's share of portfolio variance (Euler); negative = it offsets the others.",
  "**rest↓** — the model's mean score in rounds when the rest of your portfolio lost.",
].join("\n");

const WEIGHT_SOURCE: Record<ContributionResult["weightSource"], string> = {
  explicit: "the shares given with --weights",
  declared: "your declared weights",
  api: "your stakes at risk",
  equal: "equal weights",
  mixed: "declared weights where set, else Numerai stake shares, else equal shares",
};

export function weightSourceText(source: keyof typeof WEIGHT_SOURCE): string {
  return WEIGHT_SOURCE[source];
}

/** "removing X would lower your Sharpe by 0.04, so X helps" for the clearest helper and hurter. */
export function leaveOneOutSentences(rows: readonly Row[]): string[] {
  // A model without weight changes nothing when removed; it says nothing about helping or hurting.
  const finite = rows.filter((r) => r.weight > 0 && Number.isFinite(r.leaveOneOut));
  if (finite.length === 0) return ["Leave-one-out is not defined here (it needs at least two models with varying scores)."];
  const best = finite.reduce((a, b) => (b.leaveOneOut > a.leaveOneOut ? b : a));
  const worst = finite.reduce((a, b) => (b.leaveOneOut < a.leaveOneOut ? b : a));
  const out: string[] = [];
  if (best.leaveOneOut > 0) {
    out.push(`Removing **${safeName(best.name)}** would lower your Sharpe by ${fmt(best.leaveOneOut, 3)}, so it helps the most.`);
  }
  if (worst.leaveOneOut < 0) {
    out.push(`Removing **${safeName(worst.name)}** would raise your Sharpe by ${fmt(-worst.leaveOneOut, 3)}, so it hurts the most.`);
  } else {
    out.push("No model hurts: removing any single one would not raise your Sharpe.");
  }
  return out;
}

function chartBars(rows: readonly Row[]): { bars: { label: string; value: number }[]; subtitle: string } {
  const bars = rows.map((r) => ({ label: r.name, value: r.leaveOneOut }));
  if (bars.length <= MAX_BARS) return { bars, subtitle: "Leave-one-out ΔSR: bars right of 0 help, left of 0 hurt" };
  const half = MAX_BARS / 2;
  return {
    bars: [...bars.slice(0, half), ...bars.slice(-half)],
    subtitle: `The ${half} most helpful and ${half} most harmful of ${bars.length} models (leave-one-out ΔSR)`,
  };
}

export function renderContribution(r: ContributionResult & DiscordExtras): MessagePayload {
  const rows = r.rows;
  const view = r.discord?.view ?? null;
  // With components, the table pages (Previous / Next); without (the shell), it is cut to fit as before.
  const shownPage = view ? pageOf(rows, view.page) : { rows: [...rows], page: 0, pages: 1, first: 0 };
  const short = codeNames(
    rows.map((x) => x.name),
    16,
  );
  const table = codeBlockTable(
    {
      headers: ["model", "w", "SR", "LOO ΔSR", "∇SR", "risk", "rest↓"],
      rows: shownPage.rows.map((x) => [
        short(x.name),
        pct(x.weight, 0),
        fmt(x.stats.sharpe, 2),
        fmtSigned(x.leaveOneOut, 3),
        fmtSigned(x.gradient, 3),
        pct(x.riskShare, 0),
        fmt(x.hedge.meanWhenRestDown, 4),
      ]),
    },
    TABLE_CHARS,
  );
  const files: FileAttachment[] = [];
  const { bars, subtitle } = chartBars(rows);
  // A chart of bars that are all "n/a" says nothing; the text already says why.
  const charted = bars.some((b) => Number.isFinite(b.value));
  if (charted) {
    const chart = renderBarChart({
      title: "What each model does to your Sharpe",
      subtitle,
      bars,
      valueFormat: (v) => fmtSigned(v, 3),
    });
    files.push({ name: "contribution.png", data: chart.png, description: "Leave-one-out Sharpe contribution per model" });
  }

  const head = [
    `Portfolio Sharpe **${fmt(r.portfolioSharpe, 3)}** per round (mean ${fmt(r.portfolio.mean, 4)}, sd ${fmt(r.portfolio.std, 4)}) ` +
      `with ${weightSourceText(r.weightSource)}, over the ${plural(r.commonRounds, "round")} all models share.`,
    roundsText(r.rounds),
    ...leaveOneOutSentences(rows),
  ];
  const unweighted = rows.filter((x) => !(x.weight > 0)).length;
  if (unweighted > 0) {
    head.push(
      `${plural(unweighted, "model has", "models have")} weight 0, so removing ${unweighted === 1 ? "it" : "them"} changes nothing; ` +
        "for those, ∇SR says whether giving some weight would help.",
    );
  }
  const headText = head.join("\n");
  let tail = shownPage.pages > 1 ? `\nModels ${shownPage.first + 1}–${shownPage.first + table.shown} of ${rows.length}, most helpful first (page ${shownPage.page + 1} of ${shownPage.pages}); every model is in contribution.csv.` : "";
  if (table.shown < rows.length) {
    if (shownPage.pages === 1) tail = `\nShowing ${table.shown} of ${rows.length} models, most helpful first; every model is in contribution.csv.`;
    files.push(
      csvFile(
        "contribution.csv",
        ["model", "weight", "sharpe", "leave_one_out_delta_sharpe", "sharpe_gradient", "risk_share", "mean_when_rest_down", "mean", "rounds"],
        rows.map((x) => [x.name, x.weight, x.stats.sharpe, x.leaveOneOut, x.gradient, x.riskShare, x.hedge.meanWhenRestDown, x.stats.mean, x.stats.n]),
      ),
    );
  }
  const footer = notesFooter(r.notes, [`Score: ${r.scoreLabel}. Sorted by leave-one-out ΔSR.`]);
  const embed: APIEmbed = {
    title: `Contribution of your ${plural(rows.length, "model")}`,
    description: `${headText}\n${table.text}${tail}`,
    color: COLORS.info,
    fields: [
      weightsUsedField(r.weights),
      { name: "How to read it", value: CONTRIBUTION_DEFINITIONS },
      ...(r.discord ? [modelLinksField(shownPage.rows.slice(0, table.shown).map((x) => x.name))] : []),
    ],
    ...(charted ? { image: { url: "attachment://contribution.png" } } : {}),
    ...(footer ? { footer } : {}),
  };
  return fitToLimits({ embeds: [embed], files, ...(r.discord ? { components: exploreRows(view, shownPage) } : {}) });
}
