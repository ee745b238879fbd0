import { describe, expect, it } from "vitest";
import {
  formatTime,
  multipliersFor,
  nmr18,
  payoutNmr,
  roundCloseStakingTime,
  roundOpenTime,
  scoreDate,
  syntheticModels,
} from "../helpers/synthetic-scores.js";

describe("roundOpenTime", () => {
  // Dated rounds listed in numerai-api.md §4 ("matches every dated sample found").
  it.each([
    [340, "2022-10-25"],
    [341, "2022-10-26"],
    [485, "2023-05-16"],
    [650, "2024-01-02"],
    [1175, "2026-01-06"],
    [1244, "2026-04-11"],
    [1264, "2026-05-09"],
    [1343, "2026-08-28"],
  ])("opens round %i on %s", (round, date) => {
    expect(formatTime(roundOpenTime(round)).slice(0, 10)).toBe(date);
  });

  it("refuses rounds before daily rounds began", () => {
    expect(() => roundOpenTime(339)).toThrow(/from round 340/);
  });
});

describe("roundCloseStakingTime", () => {
  it("closes a weekday round an hour after opening and the Saturday round on Monday", () => {
    expect(formatTime(roundCloseStakingTime(1175))).toBe("2026-01-06T14:00:00Z");
    expect(formatTime(roundCloseStakingTime(1179))).toBe("2026-01-12T14:00:00Z");
  });
});

describe("scoreDate", () => {
  it("starts a Tuesday round's scores on Saturday and skips Sundays and Mondays", () => {
    // Round 1195 opened Tue 2026-02-03: day 1 is Sat 02-07, day 2 Tue 02-10.
    expect(formatTime(scoreDate(1195, 1))).toBe("2026-02-07T00:00:00Z");
    expect(formatTime(scoreDate(1195, 2))).toBe("2026-02-10T00:00:00Z");
    for (let day = 1; day <= 20; day++) expect([0, 1]).not.toContain(scoreDate(1196, day).getUTCDay());
  });
});

describe("nmr18", () => {
  it("writes 18 decimals like Python's '%.18f' and never a negative zero", () => {
    expect(nmr18(100)).toBe("100.000000000000000000");
    expect(nmr18(-0)).toBe("0.000000000000000000");
  });
});

describe("payoutNmr", () => {
  it("clips the payout at 5% of the stake", () => {
    expect(payoutNmr(100, 1, 0.1, 0.1, { corr: 0.75, mmc: 2.25 })).toBe("5.000000000000000000");
    expect(payoutNmr(100, 1, -0.1, -0.1, { corr: 0.75, mmc: 2.25 })).toBe("-5.000000000000000000");
  });
});

describe("syntheticModels", () => {
  const opts = { names: ["a", "b", "c", "d"], fromRound: 1150, toRound: 1230, seed: 42, currentRound: 1219 };

  it("is deterministic for a seed and differs between seeds", () => {
    expect(syntheticModels(opts)).toEqual(syntheticModels(opts));
    const other = syntheticModels({ ...opts, seed: 43 });
    expect(other[0]!.rounds[0]!.scores[0]!.value).not.toBe(syntheticModels(opts)[0]!.rounds[0]!.scores[0]!.value);
  });

  it("leaves out rounds after the current one and leaves gaps in some models", () => {
    const models = syntheticModels(opts);
    const span = 1219 - 1150 + 1;
    expect(models[0]!.rounds).toHaveLength(span);
    for (const m of models) expect(Math.max(...m.rounds.map((r) => r.roundNumber))).toBeLessThanOrEqual(1219);
    expect(models[1]!.rounds.length).toBeLessThan(span);
    expect(models[2]!.rounds[0]!.roundNumber).toBeGreaterThan(1150);
  });

  it("switches multipliers at round 1175", () => {
    const rounds = syntheticModels(opts)[0]!.rounds;
    expect(multipliersFor(1174)).toEqual({ corr: 0.5, mmc: 2 });
    expect(rounds.find((r) => r.roundNumber === 1174)).toMatchObject({ corrMultiplier: 0.5, mmcMultiplier: 2 });
    expect(rounds.find((r) => r.roundNumber === 1175)).toMatchObject({ corrMultiplier: 0.75, mmcMultiplier: 2.25 });
  });

  it("keeps recent rounds unresolved with fewer than 20 days, and settles payouts only when resolved", () => {
    const rounds = syntheticModels(opts)[0]!.rounds;
    const old = rounds.find((r) => r.roundNumber === 1190)!;
    expect(old.resolved).toBe(true);
    expect(old.scores.every((s) => s.day === 20 && s.payoutSettled === s.payoutPending)).toBe(true);
    const recent = rounds.find((r) => r.roundNumber === 1210)!;
    expect(recent.resolved).toBe(false);
    expect(recent.scores.every((s) => s.day > 0 && s.day < 20 && s.payoutSettled === "0.000000000000000000")).toBe(true);
    expect(rounds.find((r) => r.roundNumber === 1219)!.scores).toEqual([]);
  });

  it("pays atRisk·clip(pf·(corr·v2_corr20 + mmc·mmc), ±0.05) and writes NMR with 18 decimals", () => {
    for (const r of syntheticModels(opts)[3]!.rounds.filter((x) => x.scores.length > 0)) {
      const corr = r.scores.find((s) => s.displayName === "v2_corr20")!.value!;
      const mmc = r.scores.find((s) => s.displayName === "mmc")!.value!;
      const expected = Number(r.atRisk) * Math.min(0.05, Math.max(-0.05, Number(r.payoutFactor) * (r.corrMultiplier! * corr + r.mmcMultiplier! * mmc)));
      expect(Number(r.scores[0]!.payoutPending)).toBeCloseTo(expected, 12);
      expect(r.atRisk).toMatch(/^\d+\.\d{18}$/);
      expect(r.scores[0]!.payoutPending).toMatch(/^-?\d+\.\d{18}$/);
    }
  });

  it("gives correlated models, as models sharing a market factor are", () => {
    const [a, b] = syntheticModels({ ...opts, names: ["a", "b2"], currentRound: undefined });
    const corrOf = (m: typeof a) => new Map(m!.rounds.map((r) => [r.roundNumber, r.scores.find((s) => s.displayName === "canon_corr")!.value!]));
    const x = corrOf(a);
    const y = corrOf(b);
    const common = [...x.keys()].filter((k) => y.has(k));
    const xs = common.map((k) => x.get(k)!);
    const ys = common.map((k) => y.get(k)!);
    const mean = (v: number[]) => v.reduce((s, t) => s + t, 0) / v.length;
    const mx = mean(xs);
    const my = mean(ys);
    const cov = xs.reduce((s, v, i) => s + (v - mx) * (ys[i]! - my), 0);
    const r = cov / Math.sqrt(xs.reduce((s, v) => s + (v - mx) ** 2, 0) * ys.reduce((s, v) => s + (v - my) ** 2, 0));
    expect(r).toBeGreaterThan(0.05);
    expect(r).toBeLessThan(0.99);
  });
});
