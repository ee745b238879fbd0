/** /admin answers: store status, backup, and progress and summaries of backfill, sync and import. */
import type { APIEmbed, APIEmbedField } from "discord.js";
import type { BackupResult, RunSummary, StoreStatus } from "../../services/admin.js";
import { syncOutcome, type BackfillResult, type ImportResult, type Progress, type SyncResult } from "../../services/ingestion.js";
import { COLORS, NA, bytes, codeName, int, linesWithin, nameList, plural, safeName, utc } from "./format.js";
import { fitToLimits, type MessagePayload } from "./payload.js";

function bar(done: number, total: number, width = 20): string {
  const f = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const full = Math.round(f * width);
  return `\`[${"#".repeat(full)}${".".repeat(width - full)}]\` ${Math.round(f * 100)}%`;
}

export function renderBackfillProgress(from: number, to: number, p: Progress | null): MessagePayload {
  if (!p) return { content: `Backfilling rounds ${from}–${to}: starting…` };
  return {
    content:
      `Backfilling rounds ${from}–${to}: ${bar(p.unitsDone, p.unitsTotal)} (${int(p.unitsDone)}/${int(p.unitsTotal)} batches), ` +
      `${int(p.rowsWritten)} score rows written${p.model ? `, now ${safeName(p.model, 32)}` : ""}.`,
  };
}

export function renderBackfillDone(r: BackfillResult): MessagePayload {
  return {
    content:
      `Backfill of rounds ${r.from}–${r.to} finished${r.resumed ? " (resumed where an earlier run stopped)" : ""}: ` +
      `${plural(r.models.length, "model")} (${nameList(r.models, 10, 24)}), ${int(r.rowsWritten)} score rows written. Run ${r.runId}.`,
  };
}

export function renderSyncProgress(p: Progress | null): MessagePayload {
  if (!p) return { content: "Syncing recent rounds: starting…" };
  return {
    content: `Syncing recent rounds: ${bar(p.unitsDone, p.unitsTotal)} (${int(p.unitsDone)}/${plural(p.unitsTotal, "model")}), ${int(p.rowsWritten)} score rows written.`,
  };
}

export function renderSyncDone(r: SyncResult): MessagePayload {
  const outcome = syncOutcome(r);
  const failed = r.failures.length;
  const head =
    outcome === "succeeded"
      ? `Sync up to round ${r.currentRound} finished: ${plural(r.models, "model")}, ${int(r.rowsWritten)} score rows written. Run ${r.runId}.`
      : outcome === "failed"
        ? `Sync up to round ${r.currentRound} **failed**: none of the ${plural(r.models, "model")} could be fetched, nothing was written. Run ${r.runId}.`
        : `Sync up to round ${r.currentRound} **partly failed**: ${int(failed)} of ${plural(r.models, "model")} failed; ` +
          `${int(r.models - failed)} saved, ${int(r.rowsWritten)} score rows written. Run ${r.runId}.`;
  if (outcome === "succeeded") return { content: head };
  const lines = r.failures.map((f) => `• ${safeName(f.model, 32)}: ${safeName(f.error, 160)}`);
  const tail = "Run /admin sync again later; /admin status lists recent failures.";
  return { content: `${head}\n${linesWithin(lines, 2000 - head.length - tail.length - 80)}\n${tail}` };
}

export function renderImportDone(r: ImportResult, fileName: string): MessagePayload {
  return {
    content:
      `Imported **${safeName(fileName, 64)}** (${r.format} CSV): ${int(r.rows)} scores for ${plural(r.models.length, "model")} ` +
      `(${nameList(r.models, 10, 24)}), score ${nameList(r.scoreNames, 5, 32)}, rounds ${r.rounds.first}–${r.rounds.last}. Run ${r.runId}.` +
      (r.skipped.rows > 0
        ? `\nSkipped ${plural(r.skipped.rows, "row")} of ${plural(r.skipped.numeraiModels.length, "model")} (${nameList(r.skipped.numeraiModels, 10, 24)}) whose scores come from Numerai: imports never overwrite them.`
        : ""),
  };
}

export function renderBackup(r: BackupResult): MessagePayload {
  const rotated = r.removed.length > 0 ? ` Kept the newest ${int(r.keep)}; removed ${plural(r.removed.length, "older backup")}.` : "";
  return { content: `Backup written: \`${codeName(r.path, 300)}\` (${bytes(r.bytes)}, ${int(r.ms)} ms).${rotated}` };
}

function runLine(r: RunSummary): string {
  // A Discord id shows as a mention (embeds never ping); anything else (CLI, scheduler) as text.
  const who = r.requestedBy ? ` by ${/^\d{17,20}$/.test(r.requestedBy) ? `<@${r.requestedBy}>` : safeName(r.requestedBy, 40)}` : "";
  return `${r.kind} #${r.id}, ${utc(r.finishedAt ?? r.startedAt)}${who}`;
}

export function renderStatus(s: StoreStatus, nextRuns: Readonly<Record<string, Date | null>> | null): MessagePayload {
  const size =
    s.databaseBytes === null
      ? "in memory"
      : `${bytes(s.databaseBytes)}${s.walBytes ? ` + ${bytes(s.walBytes)} write-ahead log` : ""}`;
  const fields: APIEmbedField[] = [
    { name: "Database", value: `${size}\n\`${codeName(s.databasePath, 200)}\`` },
    {
      name: "Rows",
      value: [
        `${int(s.rows.models)} models (${int(s.rows.registeredModels)} registered)`,
        `${int(s.rows.scores)} scores`,
        `${int(s.rows.modelRounds)} model-rounds`,
        `${int(s.rows.rounds)} rounds (latest ${s.latestRound ?? NA})`,
      ].join("\n"),
      inline: true,
    },
    {
      name: "Last runs",
      value: [
        `sync: ${s.lastSync ? `${utc(s.lastSync.finishedAt ?? s.lastSync.startedAt)}, ${int(s.lastSync.rowsWritten)} rows` : "never"}`,
        `backfill: ${s.lastBackfill ? `${utc(s.lastBackfill.finishedAt ?? s.lastBackfill.startedAt)}, ${int(s.lastBackfill.rowsWritten)} rows` : "never"}`,
        ...(s.running.length > 0 ? [`running: ${s.running.map((r) => `${r.kind} #${r.id}`).join(", ")}`] : []),
        ...(s.interrupted.length > 0 ? [`interrupted (process gone): ${s.interrupted.map((r) => `${r.kind} #${r.id}`).join(", ")}`] : []),
      ].join("\n"),
      inline: true,
    },
  ];
  const next = nextRuns ? Object.entries(nextRuns) : [];
  fields.push({
    name: "Next scheduled runs",
    value: next.length === 0 ? "No scheduler in this process." : next.map(([job, at]) => `${safeName(job, 40)}: ${at ? utc(at) : "not scheduled"}`).join("\n"),
  });
  fields.push({
    name: `Recent failures (${s.recentFailures.length})`,
    value:
      s.recentFailures.length === 0
        ? "None."
        : linesWithin(
            s.recentFailures.map((f) => `• ${runLine(f)}: ${safeName(f.error ?? "no message", 180)}`),
            1024,
          ),
  });
  const embed: APIEmbed = {
    title: "modelfolio status",
    color: s.recentFailures.length > 0 ? COLORS.warn : COLORS.good,
    fields,
  };
  return fitToLimits({ embeds: [embed] });
}
