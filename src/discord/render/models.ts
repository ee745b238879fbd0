/** /models: the caller's models with latest scores and weights, and short confirmations. */
import type { APIEmbed } from "discord.js";
import { WEIGHT_POLICIES, type WeightPolicy } from "../../analytics/weights.js";
import type { ModelOverview } from "../../services/model-overview.js";
import type { HistoryProgress } from "../../services/ingestion.js";
import type { AddManyResult, WeightEntry } from "../../services/registrations.js";
import { weightSourceText } from "./contribution.js";
import { COLORS, NA, codeBlockTable, codeNames, csvFile, fmt, nameList, notesFooter, pct, plural, safeName } from "./format.js";
import { fitToLimits, truncate, type FileAttachment, type MessagePayload } from "./payload.js";

const TABLE_CHARS = 3600;

export function renderModelList(o: ModelOverview): MessagePayload {
  if (o.rows.length === 0) {
    return { content: "You have no models yet. Add one with `/models add name:<your model>`." };
  }
  const shown = (r: ModelOverview["rows"][number]) => (r.source === "import" ? `${r.name}*` : r.name);
  const short = codeNames(o.rows.map(shown), 20);
  const table = codeBlockTable(
    {
      headers: ["model", "round", "corr", "mmc", "declared", "weight", "from"],
      rows: o.rows.map((r) => [
        short(shown(r)),
        r.latest ? String(r.latest.round) : NA,
        fmt(r.latest?.corr, 4),
        fmt(r.latest?.mmc, 4),
        r.declaredWeight === null ? "-" : pct(r.declaredWeight, 1),
        pct(r.weight, 1),
        ORIGIN_SHORT[r.origin],
      ]),
    },
    TABLE_CHARS,
  );
  const files: FileAttachment[] = [];
  let description = `${table.text}`;
  if (table.shown < o.rows.length) {
    description += `\nShowing ${table.shown} of ${o.rows.length}; every model is in models.csv.`;
    files.push(
      csvFile(
        "models.csv",
        ["model", "source", "latest_round", "corr", "mmc", "declared_weight", "weight", "weight_from"],
        o.rows.map((r) => [r.name, r.source, r.latest?.round, r.latest?.corr, r.latest?.mmc, r.declaredWeight, r.weight, r.origin]),
      ),
    );
  }
  const chosen = o.chosenSource === null ? "" : ` (you chose ${o.chosenSource})`;
  const extra = [
    `Weights: ${weightSourceText(o.weightSource)}${chosen}.`,
    "from: declared = your share, stake = its share of your Numerai stakes, equal = an equal share of what is left.",
    "round/corr/mmc: the latest resolved round's canon_corr and canon_mmc.",
    ...(o.rows.some((r) => r.source === "import") ? ["* imported from CSV, not checked against Numerai."] : []),
  ];
  const footer = notesFooter([], extra);
  const embed: APIEmbed = {
    title: `Your ${plural(o.rows.length, "model")}`,
    description,
    color: COLORS.info,
    ...(footer ? { footer } : {}),
  };
  return fitToLimits({ embeds: [embed], ...(files.length ? { files } : {}) });
}

const ORIGIN_SHORT = { declared: "declared", stake: "stake", equal: "equal" } as const;

/** The reply to /models add with several names or an account; `progress` once history is being fetched. */
export function renderModelsAdded(r: AddManyResult, progress?: HistoryProgress): MessagePayload {
  const checked = r.added.filter((m) => m.unchecked === null);
  const unchecked = r.added.filter((m) => m.unchecked !== null);
  const lines: string[] = [];
  // Once the histories are in, a model the database could not take is no longer called added.
  const takenBack = new Set(progress?.notStored.filter((m) => m.takenBack).map((m) => m.name));
  const kept = r.added.filter((m) => !takenBack.has(m.name));
  const from = r.account ? ` of the Numerai account **${safeName(r.account)}**` : "";
  lines.push(
    r.added.length === 0
      ? `Nothing new${from}: you already track ${r.alreadyHad.length === 1 ? "it" : `all ${r.alreadyHad.length}`}.`
      : kept.length === 0
        ? `No model${from} was added.`
        : `Added ${plural(kept.length, "model")}${from}: ${nameList(kept.map((m) => m.name), 25)}.`,
  );
  if (r.added.length > 0 && r.alreadyHad.length > 0) lines.push(`Already tracked: ${nameList(r.alreadyHad, 10)}.`);
  if (unchecked.length > 0) {
    const unreachable = unchecked.some((m) => m.unchecked === "unreachable");
    lines.push(
      `${nameList(unchecked.map((m) => m.name), 10)} ${unchecked.length === 1 ? "was" : "were"} **not checked with Numerai** ` +
        `(${unreachable ? "Numerai could not be reached" : "Numerai has no model by that name"}): ` +
        `${unchecked.length === 1 ? "it uses its" : "they use their"} imported scores only, and the daily sync leaves ${unchecked.length === 1 ? "it" : "them"} alone.`,
    );
  }
  if (checked.length > 0) {
    if (!progress) lines.push(`Fetching the history of ${plural(checked.length, "model")} now; this message shows the progress.`);
    else if (progress.done < progress.total) lines.push(`Fetching history: ${progress.done}/${progress.total} models, ${plural(progress.rounds, "round")} so far…`);
    else {
      const stored = progress.total - progress.failed.length - progress.notStored.length;
      lines.push(`History fetched: ${stored}/${progress.total} models, ${plural(progress.rounds, "round")}.`);
      if (progress.failed.length > 0) lines.push(`Could not fetch ${nameList(progress.failed, 10)} just now; they stay registered and the daily sync will try again.`);
      const takenBack = progress.notStored.filter((m) => m.takenBack).map((m) => m.name);
      const stuck = progress.notStored.filter((m) => !m.takenBack).map((m) => m.name);
      if (takenBack.length > 0) lines.push(`**${nameList(takenBack, 10)} ${takenBack.length === 1 ? "was" : "were"} not added**: the database could not store ${takenBack.length === 1 ? "its" : "their"} history.`);
      if (stuck.length > 0) lines.push(`**${nameList(stuck, 10)} ${stuck.length === 1 ? "is" : "are"} registered, but none of ${stuck.length === 1 ? "its" : "their"} scores could be stored.**`);
      if (progress.storageProblem !== null) lines.push(progress.storageProblem);
    }
  }
  return { content: lines.join("\n") };
}

export function renderModelsRemoved(names: readonly string[]): MessagePayload {
  return { content: `Removed ${nameList(names, 25)} from your models. Stored scores stay for others who track them.` };
}

/** Confirms declared weights and shows what every model now gets and from where. */
export function renderWeightsSet(set: readonly WeightEntry[], o: ModelOverview): MessagePayload {
  const said = set.map((e) => (e.weight === null ? `cleared **${safeName(e.name)}**` : `**${safeName(e.name)}** ${pct(e.weight, 1)}`)).join(", ");
  const list = renderModelList(o);
  return {
    ...list,
    content:
      `Declared: ${said}. Declared weights are shares of your portfolio; models without one get their share of your ` +
      "Numerai stakes if they have one, else an equal share of what is left.",
  };
}

export function renderModelAdded(name: string, alreadyHad: boolean): MessagePayload {
  return {
    content: alreadyHad
      ? `You already track **${safeName(name)}**.`
      : `Added **${safeName(name)}**. Fetching its scores now; you will get a message when they are in.`,
  };
}

export function renderScoresReady(name: string, rounds: number): MessagePayload {
  return { content: `Scores for **${safeName(name)}** are in: ${plural(rounds, "round")}.` };
}

export function renderScoresFailed(name: string): MessagePayload {
  return {
    content: `Could not fetch the scores of **${safeName(name)}** just now. It stays registered; the daily sync will try again.`,
  };
}

/** Why a just-added model was taken back (the database refused its scores); `reason` is a UserFacingError's message. */
export function renderModelNotAdded(reason: string): MessagePayload {
  return { content: truncate(reason, 2000) };
}

export function renderModelRemoved(name: string): MessagePayload {
  return { content: `Removed **${safeName(name)}** from your models. Its stored scores stay for others who track it.` };
}

const WEIGHT_POLICY_MEANING: Record<WeightPolicy, string> = {
  declared: "your declared shares; models without one get their Numerai stake share, else an equal share of what is left",
  api: "your stakes at risk from Numerai (models without a stake get an equal share)",
  equal: "equal weights",
};

const WEIGHT_POLICY_CHOICE: Record<WeightPolicy, string> = {
  declared: "the weights you set",
  api: "stakes at risk from Numerai",
  equal: "the same for every model",
};

/** The choices of `/models weight-source`: one per entry of WEIGHT_POLICIES, in its order. */
export const WEIGHT_POLICY_CHOICES: ReadonlyArray<{ name: string; value: WeightPolicy }> = WEIGHT_POLICIES.map((value) => ({
  name: `${value} — ${WEIGHT_POLICY_CHOICE[value]}`,
  value,
}));

export function renderWeightSource(source: WeightPolicy): MessagePayload {
  return { content: `Portfolio views now use ${WEIGHT_POLICY_MEANING[source]}.` };
}

export function renderServerOptIn(optIn: boolean, changed: boolean): MessagePayload {
  if (optIn) {
    return {
      content: changed
        ? "You are in: your models now count in this server's /server diversity view (as anonymous pairs; names are never shown)."
        : "You were already opted in here.",
    };
  }
  return { content: changed ? "You are out: your models no longer count in this server's view." : "You were not opted in here." };
}
