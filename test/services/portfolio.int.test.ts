import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { pruneReason } from "../../src/discord/render/prune.js";
import { createServices, type Services } from "../../src/services/index.js";
import type { ScoreSource } from "../../src/services/ingestion.js";
import type { ModelLookup } from "../../src/services/registrations.js";
import { makeTestDb } from "../helpers/test-db.js";

// Reference: test/fixtures/services/make_portfolio_reference.py (pandas/numpy on the same CSVs).
const DATA = "test/fixtures/vladthestaker"; // a committed cut of ../shared/data/vladthestaker
const MODELS = ["numerai_swmm", "fearindex", "integration_test", "v52_lgbm_ender20", "v5_lgbm_cyrusd"];
const ref = JSON.parse(readFileSync("test/fixtures/services/portfolio-reference.json", "utf8")) as {
  canon_corr_pearson: Array<Array<number | null>>;
  score_spearman: Array<Array<number | null>>;
  score_common_rounds: number;
  score_participation_ratio: number;
  score_portfolio_sharpe_equal: number;
  score_loo: number[];
  fearindex_score_sharpe: number;
  fearindex_score_n: number;
};
const offline: ScoreSource & ModelLookup = {
  lookupModel: () => Promise.reject(new Error("offline")),
  accountModels: () => Promise.reject(new Error("offline")),
  roundPerformances: () => Promise.reject(new Error("offline")),
  currentRound: () => Promise.reject(new Error("offline")),
};
const close = (a: number, b: number, tol = 1e-9) => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));

describe.skipIf(!existsSync(DATA))("portfolio service on the real vladthestaker scores (skipped: ../shared/data is absent)", () => {
  let db: ReturnType<typeof makeTestDb>;
  let services: Services;
  const sel = { modelNames: MODELS };
  beforeAll(() => {
    db = makeTestDb();
    services = createServices(db, offline, silentLogger, { tournament: 8, syncLookbackRounds: 40 });
    services.ingestion.importCsv({ text: readFileSync(`${DATA}/daily_data_corr_abs.csv`, "utf8"), scoreName: "canon_corr" });
    services.ingestion.importCsv({ text: readFileSync(`${DATA}/daily_data_mmc_abs.csv`, "utf8"), scoreName: "canon_mmc" });
  });
  afterAll(() => db.cleanup());

  it("matches pandas' pairwise-complete Pearson matrix on canon_corr", () => {
    const res = services.portfolio.correlation(sel, { score: "canon_corr", method: "pearson" });
    const k = MODELS.length;
    ref.canon_corr_pearson.forEach((row, i) => row.forEach((v, j) => close(res.matrix.values[i * k + j] as number, v as number)));
  });

  it("orders the heatmap by HRP's single linkage on that matrix, so the closest models sit together", () => {
    const res = services.portfolio.correlation(sel, { score: "canon_corr", method: "pearson" });
    // scipy 1.17.1 on pandas' matrix (canon_corr_pearson above): d = sqrt(clip((1 − ρ)/2, 0, 1)),
    // to_tree(linkage(squareform(d, checks=False), "single")).pre_order() == [1, 0, 3, 2, 4].
    expect(res.order.map((i) => res.names[i])).toEqual(["fearindex", "numerai_swmm", "v52_lgbm_ender20", "integration_test", "v5_lgbm_cyrusd"]);
  });

  it("builds score = corr×mult + mmc×mult with the period's official multipliers and says so", () => {
    const res = services.portfolio.correlation(sel, { method: "spearman" });
    const k = MODELS.length;
    ref.score_spearman.forEach((row, i) => row.forEach((v, j) => close(res.matrix.values[i * k + j] as number, v as number)));
    expect(res.notes.join(" ")).toMatch(/official ones for their period/);
  });

  it("computes listwise effective bets, portfolio Sharpe and leave-one-out ΔSR on the common rounds", () => {
    const bets = services.portfolio.bets(sel, {});
    expect(bets.commonRounds).toBe(ref.score_common_rounds);
    close(bets.participationRatio, ref.score_participation_ratio);
    const c = services.portfolio.contribution(sel, {});
    close(c.portfolioSharpe, ref.score_portfolio_sharpe_equal);
    for (const row of c.rows) close(row.leaveOneOut, ref.score_loo[MODELS.indexOf(row.name)] as number);
    expect(c.weightSource).toBe("equal");
  });

  it("adds minimum-torsion bets (numpy/scipy reference) and flags that the entropy bets disagree on near-duplicate blocks", () => {
    // Reference: test/fixtures/torsion/make_torsion.py, the canon_corr case with equal weights.
    const torsion = JSON.parse(readFileSync("test/fixtures/torsion/torsion.json", "utf8")) as {
      cases: Array<{ score?: string; models?: string[]; rounds?: number; enb: number; meucci: number; participationRatio: number }>;
    };
    const c = torsion.cases.find((x) => x.score === "canon_corr");
    if (!c?.models) throw new Error("torsion.json has no canon_corr case");
    const bets = services.portfolio.bets({ modelNames: c.models.map((m) => m.toLowerCase()) }, { score: "canon_corr" });
    expect(bets.weightSource).toBe("equal");
    expect(bets.commonRounds).toBe(c.rounds);
    close(bets.minimumTorsion, c.enb, 1e-10);
    close(bets.meucci, c.meucci, 1e-10);
    close(bets.participationRatio, c.participationRatio, 1e-10);
    expect(bets.weightedDisagree).toBe(true);
  });

  it("computes per-model statistics over each model's own rounds", () => {
    const p = services.portfolio.performance(sel, { model: "FEARINDEX" });
    expect(p.rows).toHaveLength(1);
    expect(p.rows[0]?.stats?.n).toBe(ref.fearindex_score_n);
    close(p.rows[0]?.stats?.sharpe as number, ref.fearindex_score_sharpe);
  });

  it("names the model that limits the common rounds when there are too few, and offers only what would help", () => {
    const refusal = () => services.portfolio.bets(sel, { lastRounds: 300, minRounds: 250 });
    expect(refusal).toThrow(/Without v52_lgbm_ender20 \(it has only 64 of them\), the other 4 models share 300\. Leave them out of the models you name\. With missing:zero/);
    // v52_lgbm_ender20 has 64 rounds in all, so more rounds would not help: not offered.
    expect(refusal).not.toThrow(/rounds:\d/);
  });

  it("suggests weights that respect the cap and runs the walk-forward check", () => {
    // The V52 model starts late (64 common rounds): too few for the out-of-sample check, and it says so.
    expect(services.portfolio.allocate(sel, {}).notes.join(" ")).toMatch(/Not enough common rounds for an out-of-sample check \(64;/);
    const long = { modelNames: ["numerai_swmm", "fearindex", "integration_test", "v5_lgbm_cyrusd"] };
    const a = services.portfolio.allocate(long, { method: "all", cap: 0.35 });
    expect(a.suggestions.map((s) => s.method)).toEqual(["equal", "inverse-variance", "min-variance", "hrp", "max-sharpe"]);
    for (const s of a.suggestions) {
      if (!s.defined) continue;
      expect(Array.from(s.weights).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
      for (const w of s.weights) expect(w).toBeLessThanOrEqual(0.35 + 1e-12);
    }
    expect(a.walkForward.oosRounds).toBeGreaterThan(0);
    expect(a.baselines.equal?.rounds).toBe(a.walkForward.oosRounds);
    expect(() => services.portfolio.allocate(long, { cap: 0.2 })).toThrow(/cap of 0.2 cannot add up to 100%/);
  });

  it("prunes with a reason per drop and never raises a bad threshold silently", () => {
    const p = services.portfolio.prune(sel, {});
    for (const st of p.steps) {
      expect(st.deltaSharpe).toBeGreaterThan(p.threshold);
      expect(pruneReason(st, p.nearDuplicateRho)).toMatch(/Sharpe/);
    }
    expect(p.kept.length + p.steps.length).toBe(MODELS.length);
    expect(() => services.portfolio.prune(sel, { threshold: -1 })).toThrow(/threshold/);
  });

  it("refuses an unknown score name with the names it knows", () => {
    expect(() => services.portfolio.correlation(sel, { score: "tc" })).toThrow(/No score called tc .*canon_corr, canon_mmc/);
  });
});
