/** /models: the caller's models with latest scores and weights, and short confirmations. */
import type { APIEmbed } from "discord.js";
import type { ModelOverview } from "../../services/model-overview.js";
import { weightSourceText } from "./contribution.js";
import { COLORS, NA, codeBlockTable, codeNames, csvFile, fmt, notesFooter, pct, plural, safeName } from "./format.js";
import { fitToLimits, type FileAttachment, type MessagePayload } from "./payload.js";

const TABLE_CHARS = 3600;

export function renderModelList(o: ModelOverview): MessagePayload {
  if (o.rows.length === 0) {
    return { content: "You have no models yet. Add one with `/models add name:<your model>`." };
  }
  const shown = (r: ModelOverview["rows"][number]) => (r.source === "import" ? `${r.name}*` : r.name);
  const short = codeNames(o.rows.map(shown), 20);
  const table = codeBlockTable(
    {
      headers: ["model", "round", "corr", "mmc", "declared", "weight"],
      rows: o.rows.map((r) => [
        short(shown(r)),
        r.latest ? String(r.latest.round) : NA,
        fmt(r.latest?.corr, 4),
        fmt(r.latest?.mmc, 4),
        r.declaredWeight === null ? "-" : fmt(r.declaredWeight, r.declaredWeight % 1 === 0 ? 0 : 2),
        pct(r.weight, 1),
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
        ["model", "source", "latest_round", "corr", "mmc", "declared_weight", "weight"],
        o.rows.map((r) => [r.name, r.source, r.latest?.round, r.latest?.corr, r.latest?.mmc, r.declaredWeight, r.weight]),
      ),
    );
  }
  const chosen = o.chosenSource === null ? "" : ` (you chose ${o.chosenSource})`;
  const extra = [
    `Weights: ${weightSourceText(o.weightSource)}${chosen}.`,
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

export function renderModelRemoved(name: string): MessagePayload {
  return { content: `Removed **${safeName(name)}** from your models. Its stored scores stay for others who track it.` };
}

export function renderWeightSet(name: string, weight: number | null): MessagePayload {
  return {
    content:
      weight === null
        ? `Cleared the declared weight of **${safeName(name)}**.`
        : `Declared weight of **${safeName(name)}**: ${fmt(weight, weight % 1 === 0 ? 0 : 4)}. ` +
          "Portfolio views use declared weights unless you choose another source with `/models weight-source`; " +
          "while any weight is declared, models without one count as 0.",
  };
}

export function renderWeightSource(source: "declared" | "api" | "equal"): MessagePayload {
  const what = {
    declared: "your declared weights (falling back to stakes at risk, then equal, when none are declared)",
    api: "your stakes at risk from Numerai (falling back to equal weights)",
    equal: "equal weights",
  }[source];
  return { content: `Portfolio views now use ${what}.` };
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
