/** "Use these weights" (issue 14): propose changes nothing; adopt declares the suggestion, all or none, on a real SQLite db. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { gaussian, mulberry32 } from "../../src/random.js";
import { createServices, type Services } from "../../src/services/index.js";
import type { ScoreSource } from "../../src/services/ingestion.js";
import type { ModelLookup } from "../../src/services/registrations.js";
import { makeTestDb } from "../helpers/test-db.js";

const offline: ScoreSource & ModelLookup = {
  lookupModel: () => Promise.reject(new Error("offline")),
  accountModels: () => Promise.reject(new Error("offline")),
  roundPerformances: () => Promise.reject(new Error("offline")),
  currentRound: () => Promise.reject(new Error("offline")),
};
const USER = "100000000000000001";
const NAMES = ["alpha", "beta", "gamma"];

describe("adoption service", () => {
  let db: ReturnType<typeof makeTestDb>;
  let services: Services;
  const declared = () => services.registrations.list(USER).map((r) => [r.name, r.declaredWeight]);

  beforeEach(() => {
    db = makeTestDb();
    services = createServices(db, offline, silentLogger, { tournament: 8, syncLookbackRounds: 40 });
    const normal = gaussian(mulberry32(5));
    const lines = ["model,round,score,value"];
    for (let round = 900; round < 980; round++) NAMES.forEach((n, i) => lines.push(`${n},${round},canon_corr,${(0.002 * (i + 1) + 0.01 * (i + 1) * normal()).toFixed(6)}`));
    services.ingestion.importCsv({ text: `${lines.join("\n")}\n` });
    services.repos.registrations.addMany(USER, NAMES.map((n) => services.repos.models.findByName(n)!.id));
    services.registrations.setDeclaredWeight(USER, "alpha", 0.2);
  });
  afterEach(() => db.cleanup());

  it("propose shows the suggestion and what is declared now, and changes nothing", () => {
    const before = declared();
    const p = services.adoption.propose(USER, { method: "inverse-variance", score: "canon_corr" });
    expect(p.method).toBe("inverse-variance");
    expect(p.entries.map((e) => e.name)).toEqual(NAMES);
    expect(p.entries.reduce((s, e) => s + (e.weight ?? 0), 0)).toBeCloseTo(1, 12);
    // Inverse variance: the least volatile model (alpha) gets the most.
    expect(p.entries[0]!.weight!).toBeGreaterThan(p.entries[2]!.weight!);
    expect(p.previous).toEqual([
      { name: "alpha", weight: 0.2 },
      { name: "beta", weight: null },
      { name: "gamma", weight: null },
    ]);
    expect(declared()).toEqual(before);
  });

  it("adopt declares exactly the suggestion, read back from the database", () => {
    const p = services.adoption.adopt(USER, { method: "equal", score: "canon_corr" });
    expect(p.entries.map((e) => e.weight)).toEqual(NAMES.map(() => expect.closeTo(1 / 3, 12) as unknown as number));
    expect(declared().map(([, w]) => w)).toEqual(NAMES.map(() => expect.closeTo(1 / 3, 12) as unknown));
  });

  it("refuses 'all methods', changing nothing", () => {
    const before = declared();
    expect(() => services.adoption.adopt(USER, { method: "all", score: "canon_corr" })).toThrow(/Pick one method/);
    expect(declared()).toEqual(before);
  });
});
