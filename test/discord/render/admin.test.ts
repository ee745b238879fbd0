import { describe, expect, it } from "vitest";
import {
  renderBackfillDone,
  renderBackfillProgress,
  renderBackup,
  renderImportDone,
  renderStatus,
  renderSyncDone,
} from "../../../src/discord/render/admin.js";
import type { StoreStatus } from "../../../src/services/admin.js";
import { HOSTILE_NAMES, expectWellFormed, modelNames } from "./render-fixtures.js";

const at = new Date("2024-05-01T06:17:42Z");
const run = (id: number, kind: "sync" | "backfill" | "import", status: "running" | "succeeded" | "failed" | "interrupted", error: string | null = null) => ({
  id,
  kind,
  status,
  startedAt: at,
  finishedAt: status === "running" ? null : at,
  rowsWritten: 1234,
  requestedBy: id % 2 === 0 ? "123456789012345678" : "scheduler",
  error,
});

const STATUS: StoreStatus = {
  databasePath: "/var/lib/modelfolio/modelfolio.db",
  databaseBytes: 52_428_800,
  walBytes: 4096,
  rows: { models: 40, registeredModels: 32, scores: 1_234_567, modelRounds: 11_360, rounds: 355 },
  latestRound: 951,
  lastSync: run(9, "sync", "succeeded"),
  lastBackfill: null,
  running: [run(12, "backfill", "running")],
  interrupted: [run(11, "backfill", "interrupted", "interrupted: the process running it (pid 4242) stopped before it finished (killed or crashed)")],
  recentFailures: [run(10, "sync", "failed", "alpha: HTTP 503 after 3 attempts"), run(8, "import", "failed", "x".repeat(3000))],
};

describe("renderStatus", () => {
  it("renders a frozen status (snapshot) with next runs", () => {
    const payload = renderStatus(STATUS, { "score-sync": new Date("2024-05-02T06:17:00Z"), digest: null });
    expectWellFormed(payload);
    expect(payload).toMatchSnapshot();
  });

  it("says when no scheduler runs in this process and when nothing failed", () => {
    const payload = renderStatus({ ...STATUS, recentFailures: [], databaseBytes: null, walBytes: null }, null);
    expectWellFormed(payload);
    const fields = payload.embeds?.[0]?.fields ?? [];
    expect(fields.find((f) => f.name === "Next scheduled runs")?.value).toBe("No scheduler in this process.");
    expect(fields.find((f) => f.name.startsWith("Recent failures"))?.value).toBe("None.");
    expect(fields[0]?.value).toContain("in memory");
  });
});

describe("admin progress and summaries", () => {
  it("shows backfill progress with a bar, counts and the current model", () => {
    expect(renderBackfillProgress(100, 300, { runId: 3, unitsDone: 5, unitsTotal: 20, rowsWritten: 4200, model: "alpha" }).content).toBe(
      "Backfilling rounds 100–300: `[#####...............]` 25% (5/20 batches), 4,200 score rows written, now alpha.",
    );
  });

  it("summarises a finished backfill, sync with failures, import and backup within the content limit", () => {
    const payloads = [
      renderBackfillDone({ runId: 3, resumed: true, models: modelNames(40), from: 100, to: 300, unitsTotal: 200, rowsWritten: 50_000 }),
      renderSyncDone({
        runId: 4,
        currentRound: 951,
        models: 200,
        rowsWritten: 10,
        failures: [...modelNames(150), ...HOSTILE_NAMES].map((model) => ({ model, error: "HTTP 503 ".repeat(30) })),
      }),
      renderImportDone({ runId: 5, format: "wide", rows: 11_360, models: HOSTILE_NAMES, scoreNames: ["canon_corr"], rounds: { first: 600, last: 951 }, skipped: { rows: 0, numeraiModels: [] } }, "scores.csv"),
      renderImportDone(
        { runId: 6, format: "long", rows: 3, models: ["zz"], scoreNames: ["canon_corr"], rounds: { first: 600, last: 601 }, skipped: { rows: 12_000, numeraiModels: HOSTILE_NAMES } },
        "scores.csv",
      ),
      renderBackup({ path: "/var/lib/modelfolio/backups/modelfolio-2024-05-01T06-17-42Z.db", bytes: 52_428_800, ms: 812, removed: [], keep: 5 }),
    ];
    for (const p of payloads) expectWellFormed(p);
    expect(payloads[0]?.content).toContain("(resumed where an earlier run stopped)");
    expect(payloads[1]?.content).toMatch(/\*\*partly failed\*\*: 164 of 200 models failed; 36 saved, 10 score rows written\.[\s\S]*…and \d+ more\nRun \/admin sync again later/);
    expect(payloads[3]?.content).toMatch(/Skipped 12,000 rows of \d+ models \([\s\S]*\) whose scores come from Numerai/);
    expect(payloads[4]?.content).toBe("Backup written: `/var/lib/modelfolio/backups/modelfolio-2024-05-01T06-17-42Z.db` (50.0 MiB, 812 ms).");
  });
});
