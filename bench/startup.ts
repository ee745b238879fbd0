/**
 * `modelfolio --help` wall time: the compiled CLI (what `npx modelfolio` runs once `npm install`
 * has built dist/) and, for comparison, the sources through tsx (the fallback when dist/ is
 * missing or older than the sources). Target: ≤ 0.5 s. Builds dist/ first if it is not current.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { isBuildCurrent } from "../bin/launch.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function medianWallMs(args: readonly string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const res = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (res.status !== 0) throw new Error(`${args.join(" ")} exited ${res.status}: ${res.stderr}`);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] as number;
}

export function benchStartup(runs = 7): { compiledMs: number; sourceMs: number; built: boolean } {
  const built = !isBuildCurrent("src/cli/main.ts");
  if (built) execFileSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: "inherit" });
  return {
    compiledMs: medianWallMs(["bin/modelfolio.js", "--help"], runs),
    sourceMs: medianWallMs(["--import", "tsx", "src/cli/main.ts", "--help"], runs),
    built,
  };
}
