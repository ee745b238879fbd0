import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isBuildCurrent } from "../../bin/launch.js";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

describe("isBuildCurrent", () => {
  let root: string;
  const file = (path: string, mtimeSeconds: number) => {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, "");
    utimesSync(full, mtimeSeconds, mtimeSeconds);
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "modelfolio-launch-"));
    file("src/cli/main.ts", 1_000);
    file("src/db/open.ts", 1_000);
    file("commands/help.ts", 1_000);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const current = () => isBuildCurrent("src/cli/main.ts", pathToFileURL(`${root}/`));

  it("is false without a build", () => {
    expect(current()).toBe(false);
  });

  it("is true when the build is at least as new as every source file", () => {
    file("dist/src/cli/main.js", 2_000);
    expect(current()).toBe(true);
  });

  it("is false when any source file, in src/ or commands/, changed after the build", () => {
    file("dist/src/cli/main.js", 2_000);
    file("src/db/open.ts", 3_000);
    expect(current()).toBe(false);
    file("src/db/open.ts", 1_000);
    file("commands/help.ts", 3_000);
    expect(current()).toBe(false);
  });
});

describe("bin/modelfolio.js", () => {
  it("prints the usage and exits 0 with --help", () => {
    const res = spawnSync(process.execPath, ["bin/modelfolio.js", "--help"], { cwd: REPO_ROOT, encoding: "utf8", timeout: 20_000 });
    expect(res.stderr).toBe("");
    expect(res.stdout).toMatch(/^modelfolio — your Numerai models as a portfolio\n\nUsage: modelfolio <command>/);
    expect(res.status).toBe(0);
  });
});
