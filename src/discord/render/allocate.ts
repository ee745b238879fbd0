/** /allocate: suggested weights beside the current ones, the walk-forward table, the caveat. */
import type { APIEmbed, APIEmbedField } from "discord.js";
import type { WeightPolicy } from "../../analytics/weights.js";
import type { PortfolioService } from "../../services/portfolio.js";
import type { WeightEntry } from "../../services/registrations.js";
import { weightSourceText } from "./contribution.js";
import { allocateRows, type DiscordExtras } from "./explore.js";
import { COLORS, NA, codeBlockTable, codeNames, csvFile, fmt, linesWithin, modelLink, modelLinksField, notesFooter, pct, plural, roundsText } from "./format.js";
import { fitToLimits, truncate, type FileAttachment, type MessagePayload } from "./payload.js";
import { weightsUsedField } from "./weights.js";

export type AllocateResult = ReturnType<PortfolioService["allocate"]>;
type Oos = AllocateResult["baselines"]["equal"];

const METHOD_LABELS: Readonly<Record<string, string>> = {
  equal: "equal",
  inverseVariance: "inv-var",
  "inverse-variance": "inv-var",
  minimumVariance: "min-var",
  "min-variance": "min-var",
  hrp: "HRP",
  maximumSharpe: "max-SR",
  "max-sharpe": "max-SR",
};

export const ALLOCATION_DEFINITIONS = [
  "**equal** — the same weight on every model.",
  "**inv-var** — weight ∝ 1 ÷ variance of the model's scores.",
  "**min-var** — the long-only weights with the lowest portfolio variance.",
  "**HRP** — hierarchical risk parity: clusters similar models, then splits risk between clusters.",
  "**max-SR** — the long-only weights with the highest in-sample Sharpe (shrunk covariance); the most prone to over-fitting.",
].join("\n");

export const DEFAULT_CAVEAT =
  "These weights are fitted to past scores. Out of sample each method was refitted only on rounds it could have known, " +
  "and even so a few hundred overlapping rounds cannot tell close methods apart; treat small differences as noise.";

export const methodLabel = (m: string): string => METHOD_LABELS[m] ?? m;

const WEIGHTS_TABLE_CHARS = 2000;

function oosCells(o: Oos): string[] {
  return o ? [fmt(o.mean, 4), fmt(o.sharpe, 2), fmt(o.maxDrawdown, 3), fmt(o.cvar5, 4), fmt(o.turnover, 2)] : [NA, NA, NA, NA, NA];
}

/** When the walk-forward counts a round's score as final: its own resolve time, else the calendar. */
function finalRule(wf: AllocateResult["walkForward"]): string {
  const calendar = `by Numerai's calendar, ${wf.resolutionLag} rounds after it opened (a round resolves 31–33 days after opening`;
  if (wf.timedRounds === 0) return `${calendar}; Numerai gave no resolve times for these rounds)`;
  const own = "by its resolve time from Numerai, against the opening of the round the weights are for";
  return wf.timedRounds >= wf.rounds ? `${own} (all ${wf.rounds} rounds)` : `${own} (${wf.timedRounds} of ${wf.rounds} rounds), else ${calendar})`;
}

export function renderAllocate(r: AllocateResult & DiscordExtras): MessagePayload {
  const k = r.names.length;
  const order = r.names.map((_, i) => i).sort((a, b) => (r.current.weights[b] ?? 0) - (r.current.weights[a] ?? 0));
  const methods = r.suggestions.map((s) => methodLabel(s.method));
  const short = codeNames(r.names, 16);
  const weights = codeBlockTable(
    {
      headers: ["model", "now", ...methods],
      rows: order.map((i) => [short(r.names[i] as string), pct(r.current.weights[i], 0), ...r.suggestions.map((s) => pct(s.weights[i], 0))]),
    },
    WEIGHTS_TABLE_CHARS,
  );

  const oosRows = [
    ...r.suggestions.map((s) => [methodLabel(s.method), fmt(s.inSampleSharpe, 2), ...oosCells(s.oos)]),
    ["equal", fmt(r.suggestions.find((s) => s.method === "equal")?.inSampleSharpe, 2), ...oosCells(r.baselines.equal)],
    ["current", fmt(r.current.inSampleSharpe, 2), ...oosCells(r.baselines.current)],
  ];
  // "equal" is both a method and the baseline; list it once.
  const seen = new Set<string>();
  const oos = codeBlockTable(
    {
      headers: ["weights", "SR in", "mean", "SR out", "max DD", "CVaR5", "turn"],
      rows: oosRows.filter((row) => !seen.has(row[0] as string) && seen.add(row[0] as string)),
    },
    1024,
  );

  const tested = [...r.suggestions].filter((s) => s.oos && Number.isFinite(s.oos.sharpe));
  const best = tested.sort((a, b) => (b.oos?.sharpe ?? 0) - (a.oos?.sharpe ?? 0))[0];
  const lines = [
    `Current weights: ${weightSourceText(r.current.source)}. Suggestions fitted on the ${plural(r.commonRounds, "round")} all ${plural(k, "model")} share, ` +
      `each weight at most ${pct(r.cap, 0)} (below ${pct(r.floor, 0)} becomes 0).`,
    roundsText(r.rounds),
  ];
  if (best?.oos) {
    // "Did best" only when methods were compared; one method is only set beside the baselines.
    const against = [`${fmt(r.baselines.current?.sharpe, 2)} for your current weights`];
    if (best.method !== "equal") against.push(`${fmt(r.baselines.equal?.sharpe, 2)} for equal weights`);
    lines.push(
      tested.length > 1
        ? `Out of sample, **${methodLabel(best.method)}** did best of ${tested.length} methods with Sharpe ${fmt(best.oos.sharpe, 2)} per round, against ${against.join(" and ")}.`
        : `Out of sample, **${methodLabel(best.method)}** had Sharpe ${fmt(best.oos.sharpe, 2)} per round, against ${against.join(" and ")}.`,
    );
  } else {
    lines.push("Out of sample: not enough common rounds to test any method yet, so only in-sample figures are shown.");
  }
  let description = `${lines.join("\n")}\n${weights.text}`;
  const files: FileAttachment[] = [];
  if (weights.shown < k) {
    description += `\nShowing ${weights.shown} of ${k} models, largest current weight first; every weight is in allocation.csv.`;
    files.push(
      csvFile(
        "allocation.csv",
        ["model", "current", ...r.suggestions.map((s) => s.method)],
        order.map((i) => [r.names[i], r.current.weights[i], ...r.suggestions.map((s) => s.weights[i])]),
      ),
    );
  }

  const view = r.discord?.view ?? null;
  if (view && r.suggestions.length > 1) description += "\nPick one method in the menu to offer **Use these weights** (sets your declared weights, after a confirmation).";
  const wf = r.walkForward;
  const fields: APIEmbedField[] = [
    {
      name: wf.oosRounds > 0 ? `In sample vs out of sample (${plural(wf.oosRounds, "round")} from round ${wf.firstOosRound ?? NA})` : "In sample",
      value: oos.text,
    },
    weightsUsedField(r.current.used),
    { name: "Over-fitting", value: truncate(r.caveat.trim() || DEFAULT_CAVEAT, 1024) },
    { name: "Methods", value: ALLOCATION_DEFINITIONS },
    {
      name: "What each method used",
      value: linesWithin(
        r.suggestions.map((s) => `**${methodLabel(s.method)}**: ${s.defined ? s.inputs : (s.undefinedReason ?? "not defined")}`),
        800,
      ),
    },
    ...(r.discord ? [modelLinksField(order.slice(0, weights.shown).map((i) => r.names[i] as string))] : []),
  ];
  const footer = notesFooter(r.notes, [
    `Walk-forward: refit every ${wf.rebalanceEvery} rounds on at least ${wf.minFit} past rounds, each used only once its score was final: ${finalRule(wf)}.`,
    "SR in = in-sample Sharpe; SR out, mean, max DD, CVaR5 = out of sample, per round; turn = mean one-way turnover per rebalance, ½Σ|Δw|.",
  ]);
  const embed: APIEmbed = {
    title: `Allocation for your ${plural(k, "model")}`,
    description,
    color: COLORS.info,
    fields,
    ...(footer ? { footer } : {}),
  };
  return fitToLimits({ embeds: [embed], ...(files.length ? { files } : {}), ...(r.discord ? { components: allocateRows(view) } : {}) });
}

export interface AdoptionView {
  readonly method: string;
  readonly entries: readonly WeightEntry[];
  readonly previous: readonly WeightEntry[];
  readonly weightSource: WeightPolicy | null;
}

const weightLines = (entries: readonly WeightEntry[], maxChars: number): string =>
  linesWithin(
    entries.map((e) => `• ${modelLink(e.name)} ${e.weight === null ? "none declared" : pct(e.weight, 1)}`),
    maxChars,
  );

/** The `/models weight` line that puts `previous` back (null → clear). */
export function undoCommand(previous: readonly WeightEntry[]): string {
  const pairs = previous.map((e) => `${e.name}=${e.weight === null ? "clear" : String(Number(e.weight.toFixed(6)))}`);
  return `/models weight weights:"${pairs.join(" ")}"`;
}

const sourceNote = (source: WeightPolicy | null): string =>
  source === null || source === "declared"
    ? ""
    : `\nYour weight source is **${source}**, so analyses keep using ${source === "api" ? "your Numerai stakes" : "equal weights"} until you run \`/models weight-source source:declared\`.`;

/** The question before "Use these weights" changes anything (Confirm / Cancel go below it). */
export function renderAdoptConfirm(p: AdoptionView): MessagePayload {
  return fitToLimits({
    embeds: [
      {
        title: `Use the ${methodLabel(p.method)} weights as your declared weights?`,
        description:
          `**Confirm** sets your declared weights to this suggestion, replacing the ones you have (as /models weight would); **Cancel** goes back and changes nothing.\n` +
          `${weightLines(p.entries, 3200)}${sourceNote(p.weightSource)}`,
        color: COLORS.warn,
        fields: [{ name: "Declared now", value: weightLines(p.previous, 1024) }],
      },
    ],
  });
}

/** After Confirm: what is now declared, and how to undo it. */
export function renderAdopted(p: AdoptionView): MessagePayload {
  const undo = undoCommand(p.previous);
  return fitToLimits({
    embeds: [
      {
        title: `Declared weights set to the ${methodLabel(p.method)} suggestion`,
        description: `${weightLines(p.entries, 3200)}\n\nEvery analysis now uses these shares; change them any time with /models weight.${sourceNote(p.weightSource)}`,
        color: COLORS.good,
        fields: [
          {
            name: "To undo",
            value: undo.length + 2 <= 1024 ? `\`${undo.replace(/`/g, "")}\`` : `Too many models for one line; what was declared before:\n${weightLines(p.previous, 900)}`,
          },
        ],
      },
    ],
    components: [],
  });
}
