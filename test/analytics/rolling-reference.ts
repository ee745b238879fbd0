/**
 * Loads test/fixtures/rolling/rolling.json (made by test/fixtures/rolling/make_rolling.py with
 * pandas' rolling windows and numpy's eigenvalues). JSON has no NaN: null stands for it.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

type Num = number | null;
export interface RollingCase {
  name: string;
  window: number;
  models: string[];
  rounds: number[];
  columns: number[][];
  weights: number[];
  correlationWithRest: Num[][];
  participationRatio: Num[];
  portfolioSharpe: Num[];
}

const FIXTURE = fileURLToPath(new URL("../fixtures/rolling/rolling.json", import.meta.url));
export const ROLLING_CASES = (JSON.parse(readFileSync(FIXTURE, "utf8")) as { cases: RollingCase[] }).cases;
