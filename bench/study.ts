/**
 * `npm run study`: each allocation method's walk-forward out-of-sample figures on the real
 * scores in ../shared/data/vladthestaker (score = 0.75·canon_corr + 2.25·canon_mmc), over the
 * last 60 rounds, beside that project's published out-of-sample table
 * (step3-modelcomparison_last_60_oos_rounds.csv). Prints a Markdown table for the README.
 *
 * No knowledge of the test period: the models are those with complete scores over the rounds
 * already final when the first reported round opened (the walk-forward's calendar lag before
 * it), and a round a chosen model lacks later counts as 0, what Numerai pays a model that did not
 * submit — not the models that happened to score every round through the end.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { maxDrawdown } from "../src/analytics/drawdown.js";
import { mean } from "../src/analytics/moments.js";
import { sharpe } from "../src/analytics/sharpe.js";
import { cvar } from "../src/analytics/tail.js";
import { WALK_FORWARD, walkForward } from "../src/analytics/walk-forward.js";
import { parseCsv } from "../src/services/csv.js";

export const DATA_DIR = "../shared/data/vladthestaker";
const OOS_ROUNDS = 60;
/** History before the evaluated window: fits need 60 resolved rounds plus the 20-round resolution lag. */
const HISTORY_ROUNDS = 200;

export function readWide(path: string): { rounds: number[]; models: string[]; values: Map<string, Map<number, number>> } {
  const recs = parseCsv(readFileSync(path, "utf8"));
  const header = (recs[0]?.fields ?? []).slice(1);
  const values = new Map(header.map((m) => [m, new Map<number, number>()]));
  const rounds: number[] = [];
  for (const rec of recs.slice(1)) {
    const round = Number(rec.fields[0]);
    rounds.push(round);
    header.forEach((m, i) => {
      const raw = rec.fields[i + 1];
      if (raw !== undefined && raw !== "NA") values.get(m)?.set(round, Number(raw));
    });
  }
  return { rounds, models: header, values };
}

export interface StudyRow {
  name: string;
  meanPerRound: number;
  sharpe: number;
  maxDrawdown: number;
  cvar5: number;
  turnover: number;
}

export function runStudy(dir = DATA_DIR) {
  const corr = readWide(join(dir, "daily_data_corr_abs.csv"));
  const mmc = readWide(join(dir, "daily_data_mmc_abs.csv"));
  const lastRound = Math.max(...corr.rounds);
  const firstRound = lastRound - OOS_ROUNDS - HISTORY_ROUNDS + 1;
  const window = corr.rounds.filter((r) => r >= firstRound && r <= lastRound);
  const oosFirstRound = lastRound - OOS_ROUNDS + 1;
  // What was known when the test period began: rounds final by then (the calendar lag before it).
  const knownLast = oosFirstRound - WALK_FORWARD.resolutionLag;
  const has = (m: string, r: number) => corr.values.get(m)?.has(r) === true && mmc.values.get(m)?.has(r) === true;
  const models = corr.models.filter((m) => window.every((r) => r > knownLast || has(m, r)));
  let zeroed = 0;
  const columns = models.map((m) =>
    Float64Array.from(window, (r) => {
      if (!has(m, r)) {
        zeroed++;
        return 0;
      }
      return 0.75 * (corr.values.get(m)?.get(r) as number) + 2.25 * (mmc.values.get(m)?.get(r) as number);
    }),
  );
  const wf = walkForward({ rounds: window, columns, minFit: WALK_FORWARD.minFit, rebalanceEvery: WALK_FORWARD.rebalanceEvery, resolutionLag: WALK_FORWARD.resolutionLag, cap: 0.35, floor: 0.01 });
  const rows: StudyRow[] = wf.portfolios.map((p) => {
    const last = p.returns.slice(p.returns.length - OOS_ROUNDS);
    return { name: p.name, meanPerRound: mean(last), sharpe: sharpe(last), maxDrawdown: maxDrawdown(last), cvar5: cvar(last, 0.05), turnover: p.turnover };
  });
  const published = parseCsv(readFileSync(join(dir, "step3-modelcomparison_last_60_oos_rounds.csv"), "utf8"))
    .slice(1)
    .filter((r) => ["return_p90", "maxdd_p10", "overlap"].includes(r.fields[0] as string))
    .map((r) => ({ name: `vladthestaker ${r.fields[0]}`, meanPerRound: Number(r.fields[4]), cvar5: Number(r.fields[5]), maxDrawdown: Number(r.fields[6]) }));
  const firstRebalance = wf.portfolios[0]?.rebalances[0];
  return {
    models,
    window: { first: firstRound, last: lastRound },
    knownLast,
    zeroed,
    firstRebalance: firstRebalance ? { round: firstRebalance.round, lastFitRound: firstRebalance.lastFitRound } : null,
    oosFirstRound,
    rows,
    published,
  };
}

export function studyMarkdown(s: ReturnType<typeof runStudy>): string {
  const f = (x: number, d = 5) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");
  const ours = `${s.oosFirstRound}–${s.window.last}; fits on final rounds from ${s.window.first}, refit every ${WALK_FORWARD.rebalanceEvery}`;
  const theirs = `their last ${OOS_ROUNDS} out-of-sample rounds (to ${s.window.last}); their own fitting windows`;
  const lines = [
    `Scored on rounds ${s.oosFirstRound}–${s.window.last}, out of sample; fits from round ${s.window.first} on rounds final at each refit ` +
      `(${WALK_FORWARD.resolutionLag} rounds before it; the first refit, at round ${s.firstRebalance?.round ?? "—"}, fits up to ${s.firstRebalance?.lastFitRound ?? "—"}). ` +
      `${s.models.length} models, chosen by what was known when round ${s.oosFirstRound} opened: complete scores over rounds ${s.window.first}–${s.knownLast} ` +
      `(${s.models.join(", ")}); ${s.zeroed} later model-${s.zeroed === 1 ? "round without a score counts" : "rounds without a score count"} as 0.`,
    "",
    "| portfolio | rounds scored; fitted on | mean score / round | Sharpe / round | max drawdown | CVaR 5% | turnover |",
    "|---|---|---:|---:|---:|---:|---:|",
    ...s.rows.map((r) => `| modelfolio ${r.name} | ${ours} | ${f(r.meanPerRound)} | ${f(r.sharpe, 3)} | ${f(r.maxDrawdown, 3)} | ${f(r.cvar5, 4)} | ${f(r.turnover, 3)} |`),
    ...s.published.map((r) => `| ${r.name} (published) | ${theirs} | ${f(r.meanPerRound)} | — | ${f(r.maxDrawdown, 3)} | ${f(r.cvar5, 4)} | — |`),
  ];
  return lines.join("\n");
}

if (process.argv[1]?.endsWith("study.ts")) {
  if (!existsSync(DATA_DIR)) {
    console.log(`skipped: ${DATA_DIR} is not beside the repository`);
  } else {
    console.log(studyMarkdown(runStudy()));
  }
}
