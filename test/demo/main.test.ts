/**
 * `npm run demo` as a newcomer runs it: the real process, commands piped on stdin, the real clock.
 * Its digest must read like a real week's: this week's resolved rounds, diversification that
 * moved over 4 and 12 weeks, and no hint that a sync is missing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { latestRoundAt, roundResolveTime } from "../../src/demo/calendar.js";
import { REPO_ROOT, waitForExit } from "../faults/support.js";

/** The newest round resolved at `now` on Numerai's calendar. */
function latestResolvedAt(now: Date): number {
  let n = latestRoundAt(now);
  while (roundResolveTime(n).getTime() > now.getTime()) n--;
  return n;
}

describe("npm run demo", () => {
  let dir: string;
  let child: ChildProcess | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "modelfolio-demo-run-"));
  });
  afterEach(() => {
    child?.kill("SIGKILL");
    child = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it("previews a digest of a real week: this week's rounds resolved, diversification now and 4 and 12 weeks ago", async () => {
    const before = latestResolvedAt(new Date());
    const loader = pathToFileURL(join(REPO_ROOT, "node_modules/tsx/dist/loader.mjs")).href;
    // In a scratch folder: the demo writes its charts to ./out.
    child = spawn(process.execPath, ["--import", loader, join(REPO_ROOT, "src/demo/main.ts")], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, LOG_LEVEL: "warn" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    child.stdin?.end("/digest preview\n/models list\n");
    const res = await waitForExit(child, 60_000);
    const after = latestResolvedAt(new Date());
    expect(res.code, res.stderr).toBe(0);
    const out = res.stdout;
    expect(out).not.toMatch(/has the score sync run|none resolved/);
    // Rounds resolve Tuesday to Saturday, one a day: every 7 days hold five resolutions.
    const week = /\*\*This week:\*\* rounds (\d+)–(\d+) \(5\) resolved\./.exec(out);
    expect(week, out).not.toBeNull();
    expect([before, after]).toContain(Number(week?.[2]));
    // The three diversification columns describe three different windows.
    const rho = /avg pair ρ\s+(\S+)\s+(\S+)\s+(\S+)/.exec(out)?.slice(1) ?? [];
    const bets = /indep\. bets\s+(\S+)\s+(\S+)\s+(\S+)/.exec(out)?.slice(1) ?? [];
    expect(rho).toHaveLength(3);
    const columns = rho.map((r, i) => `${r}/${bets[i]}`);
    expect(new Set(columns).size, columns.join(" | ")).toBe(3);
    // /models list shows the latest resolved round, the one Numerai resolved last.
    expect([before, after]).toContain(Number(/lgbm_cyrus_1\s+(\d+)/.exec(out)?.[1]));
  });
});
