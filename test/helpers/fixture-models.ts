/**
 * The committed real scores (test/fixtures/vladthestaker: 17 models, rounds 843–1197, corr and
 * mmc) as the stand-in Numerai's models, seen at a given moment: a round not yet resolved at `now`
 * carries the score day reached by then and a value that is still moving, as Numerai's daily
 * scores do (value = final + (20 − day) · drift), and resolves to the real final value. Asking for
 * the same models a day later therefore changes values, days and payouts of the open rounds, and
 * resolves the oldest of them.
 */
import { readFileSync } from "node:fs";
import type { FakeModel, FakeRound, FakeScore } from "./fake-numerai.js";
import {
  fakeUuid,
  formatTime,
  hashString,
  mulberry32,
  multipliersFor,
  nmr18,
  nowForCurrentRound,
  payoutNmr,
  roundOpenTime,
  roundResolveTime,
  SCORE_DAYS,
  scoreDate,
  scoringDayAt,
} from "./synthetic-scores.js";

const FIXTURE = new URL("../fixtures/vladthestaker/", import.meta.url);

function readWide(file: string): { names: string[]; rows: Map<number, Array<number | null>> } {
  const [head = "", ...lines] = readFileSync(new URL(file, FIXTURE), "utf8").trim().split(/\r?\n/);
  const names = head.split(",").slice(1).map((h) => h.replaceAll('"', "").toLowerCase());
  const rows = new Map<number, Array<number | null>>();
  for (const line of lines) {
    const [round = "", ...cells] = line.split(",");
    rows.set(Number(round), cells.map((c) => (c === "NA" || c === "" ? null : Number(c))));
  }
  return { names, rows };
}

export interface FixtureModelsOptions {
  /** The stand-in's current round; rounds after it are left out. */
  currentRound: number;
  /** The moment the scores are seen (default: late on the day `currentRound` opened). */
  now?: Date;
}

export function fixtureModels(opts: FixtureModelsOptions): FakeModel[] {
  const now = opts.now ?? nowForCurrentRound(opts.currentRound);
  const corr = readWide("daily_data_corr_abs.csv");
  const mmc = readWide("daily_data_mmc_abs.csv");
  return corr.names.map((name, col) => {
    const rng = mulberry32(hashString(name));
    const id = fakeUuid(rng);
    const stake = Math.round(10 + 990 * rng());
    const rounds: FakeRound[] = [];
    for (const [n, cells] of corr.rows) {
      const finalCorr = cells[col] ?? null;
      if (finalCorr === null || n > opts.currentRound) continue;
      const finalMmc = mmc.rows.get(n)?.[col] ?? null;
      const day = scoringDayAt(n, now);
      const resolveTime = roundResolveTime(n);
      const resolved = day === SCORE_DAYS && resolveTime.getTime() <= now.getTime();
      // Deterministic per model-round, so the same moment always gives the same answer.
      const drift = (mulberry32(hashString(`${name}/${n}`))() - 0.5) * 4e-4;
      const moving = (v: number) => (resolved ? v : v + (SCORE_DAYS - day) * drift);
      const multipliers = multipliersFor(n);
      const payoutFactor = day === 0 ? null : nmr18(0.09 + 0.004 * Math.sin(n));
      const corrNow = moving(finalCorr);
      const mmcNow = finalMmc === null ? null : moving(finalMmc);
      const pending = payoutFactor === null ? nmr18(0) : payoutNmr(stake, Number(payoutFactor), corrNow, mmcNow ?? 0, multipliers);
      const entry = (displayName: string, value: number): FakeScore => ({
        displayName,
        value,
        percentile: Math.min(1, Math.max(0, 0.5 + value * 10)),
        day,
        date: formatTime(scoreDate(n, Math.max(1, day))),
        payoutPending: pending,
        payoutSettled: resolved ? pending : nmr18(0),
      });
      const scores =
        day === 0
          ? []
          : [entry("canon_corr", corrNow), entry("v2_corr20", corrNow), ...(mmcNow === null ? [] : [entry("canon_mmc", mmcNow), entry("mmc", mmcNow)])];
      rounds.push({
        roundNumber: n,
        openTime: formatTime(roundOpenTime(n)),
        resolveTime: formatTime(resolveTime),
        resolved,
        atRisk: `${stake.toFixed(6)}000000000000`,
        corrMultiplier: multipliers.corr,
        mmcMultiplier: multipliers.mmc,
        payoutFactor,
        target: null,
        scores,
      });
    }
    return { name, id, rounds };
  });
}
