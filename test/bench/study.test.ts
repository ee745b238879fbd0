/**
 * `npm run study` on a small synthetic copy of the vladthestaker layout: which models it picks
 * (what was known when the test period began) and what it does with later gaps (0).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runStudy, studyMarkdown } from "../../bench/study.js";
import { WALK_FORWARD } from "../../src/analytics/walk-forward.js";
import { gaussian, mulberry32 } from "../../src/random.js";

const FIRST = 900;
const LAST = 1197;
/** The study's test period: the last 60 rounds; its models are chosen from rounds final before it. */
const OOS_FIRST = LAST - 59;
const KNOWN_LAST = OOS_FIRST - WALK_FORWARD.resolutionLag;

function writeData(dir: string, gaps: Record<string, (r: number) => boolean>): void {
  const names = ["STEADY_A", "STEADY_B", ...Object.keys(gaps)];
  const normal = gaussian(mulberry32(5));
  const wide = () => {
    const lines = [["roundNumber", ...names].map((n) => `"${n}"`).join(",")];
    for (let r = FIRST; r <= LAST; r++) lines.push([r, ...names.map((n) => (gaps[n]?.(r) ? "NA" : (0.01 * normal()).toFixed(6)))].join(","));
    return lines.join("\n") + "\n";
  };
  writeFileSync(join(dir, "daily_data_corr_abs.csv"), wide());
  writeFileSync(join(dir, "daily_data_mmc_abs.csv"), wide());
  writeFileSync(
    join(dir, "step3-modelcomparison_last_60_oos_rounds.csv"),
    '"model","n_oos_rounds","n_participated_rounds","oos_corr_return","oos_return","oos_CVaR","oos_maxdd","pareto_3d_frontier"\n"overlap",60,60,0.0075,0.0069,-0.0227,0.1286,0\n',
  );
}

describe("runStudy", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "modelfolio-study-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps a model that stopped during the test period and scores its missing rounds as 0; drops one with a gap that was known", () => {
    writeData(dir, {
      STOPPED_LATER: (r) => r >= OOS_FIRST + 10, // stopped after the test period began: unknown at its start
      GAP_KNOWN: (r) => r === KNOWN_LAST - 5, // a gap already visible when the test period began
      GAP_UNRESOLVED: (r) => r === KNOWN_LAST + 1, // a round not yet final at the start: not held against it
    });
    const s = runStudy(dir);
    expect(s.models).toEqual(["STEADY_A", "STEADY_B", "STOPPED_LATER", "GAP_UNRESOLVED"]);
    expect(s.zeroed).toBe(LAST - (OOS_FIRST + 10) + 1 + 1);
    expect(s.knownLast).toBe(KNOWN_LAST);
    const md = studyMarkdown(s);
    expect(md).toContain(`chosen by what was known when round ${OOS_FIRST} opened: complete scores over rounds ${LAST - 259}–${KNOWN_LAST}`);
    expect(md).toContain(`${s.zeroed} later model-rounds without a score count as 0.`);
    // Every row says which rounds it was scored on and what it was fitted on.
    expect(md).toContain(`| modelfolio equal | ${OOS_FIRST}–${LAST}; fits on final rounds from ${LAST - 259}, refit every ${WALK_FORWARD.rebalanceEvery} |`);
    expect(md).toContain(`| vladthestaker overlap (published) | their last 60 out-of-sample rounds (to ${LAST}); their own fitting windows | 0.00690 |`);
  });
});
