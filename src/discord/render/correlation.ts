/** /correlation: heatmap, most and least correlated pairs, near-duplicate clusters, effective bets. */
import type { APIEmbed } from "discord.js";
import type { PortfolioService } from "../../services/portfolio.js";
import { MAX_K_WITH_VALUES, renderCorrelationHeatmap } from "./charts/index.js";
import {
  COLORS,
  codeBlockTable,
  codeNames,
  csvFile,
  fmt,
  int,
  linesWithin,
  modelLinksField,
  nameList,
  notesFooter,
  plural,
  roundsShort,
  roundsText,
} from "./format.js";
import { exploreRows, type DiscordExtras } from "./explore.js";
import { fitToLimits, type FileAttachment, type MessagePayload } from "./payload.js";
import { weightsUsedText } from "./weights.js";

export type CorrelationResult = ReturnType<PortfolioService["correlation"]>;

const TOP_PAIRS = 10;
const BOTTOM_PAIRS = 5;

/** The headline: participation ratio as "independent bets", the other three measures beside it, and which to trust. */
export function effectiveBetsText(bets: CorrelationResult["bets"], modelCount: number): string {
  if ("error" in bets) return `**Effective number of bets:** not computed. ${bets.error}`;
  const pr = bets.participationRatio;
  const headline = Number.isFinite(pr)
    ? `Your ${plural(modelCount, "model")} behave like **${fmt(pr, 1)} independent bets** (participation ratio of the correlation matrix).`
    : `Your ${plural(modelCount, "model")}: the effective number of bets is not defined here (not enough data, or a model with constant scores).`;
  const torsion = Number.isFinite(bets.minimumTorsion)
    ? `minimum-torsion bets **${fmt(bets.minimumTorsion, 1)}**`
    : "minimum-torsion bets not defined (a model is a copy of others to within rounding, or there are fewer shared rounds than models)";
  return (
    `${headline}\n` +
    `Other views: average-correlation bets **${fmt(bets.averageCorrelation, 1)}**; with your weights, ` +
    `Meucci's entropy bets **${fmt(bets.meucci, 1)}** and ${torsion} — ` +
    `from the ${plural(bets.commonRounds, "round")} all ${int(bets.models)} models share.\n` +
    trustText(bets)
  );
}

/** The one rule for which measure to trust when they disagree (README, "Effective number of independent bets"). */
function trustText(bets: Exclude<CorrelationResult["bets"], { error: string }>): string {
  const gap = fmt(bets.disagreementThreshold, 0);
  const rule =
    "the headline for how many independent bets you hold; minimum-torsion for how evenly your weights spread risk " +
    "(it counts near-copies held equally as separate bets, so it is no count of independent bets)";
  return bets.weightedDisagree
    ? `**Which to trust:** ${rule}. The entropy bets differ from minimum-torsion by more than ${gap} here: set them aside — ` +
        `they follow principal portfolios, which swing when eigenvalues are close.`
    : `Which to trust: ${rule}; over the entropy bets whenever the two differ by more than ${gap}.`;
}

function pairsTable(pairs: CorrelationResult["pairs"], short: (name: string) => string, maxChars: number): string {
  const rows = pairs.map((p) => [short(p.a), short(p.b), fmt(p.rho, 2), int(p.overlap)]);
  return codeBlockTable({ headers: ["model", "model", "ρ", "rounds"], rows, align: ["left", "left", "right", "right"] }, maxChars).text;
}

/** Pure: the service result as a message with the heatmap attached. */
export function renderCorrelation(r: CorrelationResult & DiscordExtras): MessagePayload {
  const k = r.names.length;
  const fields: NonNullable<APIEmbed["fields"]> = [];
  const short = codeNames(r.names, 18);

  if (r.pairs.length === 0) {
    fields.push({ name: "Pairs", value: `No pair shares ${r.minOverlap} or more rounds, so no correlation is defined yet.` });
  } else {
    fields.push({ name: `Most correlated pairs (of ${int(r.pairs.length)})`, value: pairsTable(r.pairs.slice(0, TOP_PAIRS), short, 1024) });
    if (r.pairs.length > TOP_PAIRS) {
      const least = r.pairs.slice(-BOTTOM_PAIRS).reverse();
      fields.push({ name: "Least correlated pairs", value: pairsTable(least, short, 1024) });
    }
  }

  const clusters = [...r.clusters].sort((a, b) => b.length - a.length);
  fields.push({
    name: `Near-duplicates (ρ ≥ ${fmt(r.nearDuplicateRho, 2)})`,
    value:
      clusters.length === 0
        ? `None: no two models correlate at ${fmt(r.nearDuplicateRho, 2)} or more.`
        : linesWithin(
            clusters.map((c) => `• ${c.length} models: ${nameList(c, 8, 24)}`),
            1024,
          ),
  });

  if (!("error" in r.bets)) fields.push({ name: "Weights used (entropy and minimum-torsion bets)", value: weightsUsedText(r.bets.weights) || "none" });

  const missing = r.matrix.values.some((v, i) => Math.floor(i / k) !== i % k && Number.isNaN(v));
  const description = [
    effectiveBetsText(r.bets, k),
    roundsText(r.rounds),
    "",
    `ρ is the ${r.method === "spearman" ? "Spearman rank" : "Pearson"} correlation of per-round scores over the rounds each pair shares` +
      ` (at least ${r.minOverlap}); models in cluster order (the single linkage HRP uses), so near-duplicates sit together.` +
      `${missing ? " Grey hatched cells: not enough shared rounds." : ""}`,
  ].join("\n");

  const files: FileAttachment[] = [];
  const labels = r.order.map((i) => r.names[i] as string);
  const values = Float64Array.from({ length: k * k }, (_, c) => r.matrix.values[(r.order[Math.floor(c / k)] as number) * k + (r.order[c % k] as number)] as number);
  const chart = renderCorrelationHeatmap({
    labels,
    values,
    title: `Correlation of ${plural(k, "model")} (${r.method})`,
    subtitle: `${r.scoreLabel} · ${roundsShort(r.rounds)}`,
  });
  files.push({ name: "correlation.png", data: chart.png, description: `Correlation heatmap of ${plural(k, "model")}` });
  if (k > MAX_K_WITH_VALUES) {
    // The heatmap is too dense for printed values; the numbers go along as a file.
    files.push(
      csvFile(
        "correlation.csv",
        ["model", ...labels],
        labels.map((n, i) => [n, ...Array.from(values.subarray(i * k, (i + 1) * k))]),
        "Correlation matrix (empty cell: not enough shared rounds)",
      ),
    );
  }

  if (r.discord) fields.push(modelLinksField(labels));
  const footer = notesFooter(r.notes, [`Score: ${r.scoreLabel}.`]);
  const embed: APIEmbed = {
    title: `Correlation of your ${plural(k, "model")}`,
    description,
    color: COLORS.info,
    fields,
    image: { url: "attachment://correlation.png" },
    ...(footer ? { footer } : {}),
  };
  return fitToLimits({ embeds: [embed], files, ...(r.discord ? { components: exploreRows(r.discord.view) } : {}) });
}
