/** /prune: which models to drop, in order, and why. */
import type { APIEmbed, APIEmbedField } from "discord.js";
import type { PortfolioService } from "../../services/portfolio.js";
import { weightSourceText } from "./contribution.js";
import { COLORS, csvFile, fmt, fmtSigned, linesWithin, nameList, notesFooter, plural, roundsText, safeName, modelLinksField } from "./format.js";
import type { DiscordExtras } from "./explore.js";
import { fitToLimits, type FileAttachment, type MessagePayload } from "./payload.js";
import { weightsUsedField } from "./weights.js";

export type PruneResult = ReturnType<PortfolioService["prune"]>;
type PruneStep = PruneResult["steps"][number];

/** Steps above this many go to prune.csv as well. */
const STEPS_CHARS = 3000;

/** Why a step drops its model: the near-duplicate it copies, else the Sharpe rise and the closest model. */
export function pruneReason(s: PruneStep, nearDuplicateRho: number): string {
  const partner = s.mostCorrelatedWith;
  if (partner !== null && s.rho >= nearDuplicateRho) return `ρ = ${fmt(s.rho, 2)} with ${partner}; dropping it raises Sharpe by ${fmt(s.deltaSharpe, 3)}`;
  const closest = partner !== null && Number.isFinite(s.rho) ? `; closest: ${partner} (ρ = ${fmt(s.rho, 2)})` : "";
  return `dropping it raises Sharpe by ${fmt(s.deltaSharpe, 3)} (ΔSR ${fmtSigned(s.deltaSharpe, 3)})${closest}`;
}

/** The reason, and the path of the portfolio Sharpe. */
function stepLine(s: PruneStep, i: number, nearDuplicateRho: number): string {
  return `${i + 1}. Drop **${safeName(s.drop, 32)}**: ${safeName(pruneReason(s, nearDuplicateRho), 240)}. Portfolio Sharpe ${fmt(s.sharpeBefore, 3)} → ${fmt(s.sharpeAfter, 3)}.`;
}

export function renderPrune(r: PruneResult & DiscordExtras): MessagePayload {
  const files: FileAttachment[] = [];
  const fields: APIEmbedField[] = [];
  let description: string;
  const rounds = roundsText(r.rounds);
  if (r.steps.length === 0) {
    description = `Nothing to drop: no single removal raises your portfolio Sharpe (${fmt(r.portfolioSharpeBefore, 3)} per round) by more than ${fmt(r.threshold, 3)}.\n${rounds}`;
  } else {
    const head =
      `Dropping ${plural(r.steps.length, "model")}, one at a time, would move your portfolio Sharpe from ` +
      `**${fmt(r.portfolioSharpeBefore, 3)}** to **${fmt(r.portfolioSharpeAfter, 3)}** per round.`;
    const lines = r.steps.map((s, i) => stepLine(s, i, r.nearDuplicateRho));
    description = `${head}\n${rounds}\n\n${linesWithin(lines, STEPS_CHARS)}`;
    if (lines.join("\n").length > STEPS_CHARS) {
      description += "\nEvery step is in prune.csv.";
      files.push(
        csvFile(
          "prune.csv",
          ["step", "drop", "reason", "sharpe_before", "sharpe_after", "delta_sharpe", "most_correlated_with", "rho"],
          r.steps.map((s, i) => [i + 1, s.drop, pruneReason(s, r.nearDuplicateRho), s.sharpeBefore, s.sharpeAfter, s.deltaSharpe, s.mostCorrelatedWith, s.rho]),
        ),
      );
    }
  }
  fields.push(weightsUsedField(r.weights));
  if (r.discord) fields.push(modelLinksField(r.weights.map((w) => w.name)));
  fields.push({ name: `Kept (${r.kept.length})`, value: r.kept.length > 0 ? nameList(r.kept, 30, 24) : "none" });
  fields.push({
    name: "How this works",
    value:
      "Each step drops the model whose removal (the rest re-weighted in proportion) raises your portfolio Sharpe the most, " +
      `as long as it rises by more than ${fmt(r.threshold, 3)} per round; then it repeats on what is left. Models with weight 0 are not considered. ` +
      "Past Sharpe gains are noisy: check a drop with /contribution over a different window before acting on it.",
  });
  const footer = notesFooter(r.notes, [`Score: ${r.scoreLabel}. Weights: ${weightSourceText(r.weightSource)}.`]);
  const embed: APIEmbed = {
    title: "What to drop",
    description,
    color: r.steps.length === 0 ? COLORS.good : COLORS.warn,
    fields,
    ...(footer ? { footer } : {}),
  };
  return fitToLimits({ embeds: [embed], ...(files.length ? { files } : {}) });
}
