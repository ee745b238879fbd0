import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeDiscord, type FakeDiscord } from "../helpers/fake-discord/index.js";

describe("npm start with a token", () => {
  let fake: FakeDiscord;
  let dir: string;
  afterEach(async () => {
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("logs in, runs, and on SIGTERM stops jobs, closes the database and exits 0", async () => {
    fake = await startFakeDiscord({ guilds: [{ id: "400000000000000002" }] });
    dir = mkdtempSync(join(tmpdir(), "modelfolio-life-"));
    const child = spawn(process.execPath, ["--import", "tsx", "src/index.ts"], {
      env: {
        PATH: process.env.PATH,
        DISCORD_TOKEN: fake.token,
        DISCORD_API_BASE: fake.restBase,
        DATABASE_PATH: join(dir, "bot.db"),
        NUMERAI_API_URL: "http://127.0.0.1:9",
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const waitFor = (re: RegExp, ms: number) =>
      new Promise<void>((resolve, reject) => {
        const t0 = Date.now();
        const tick = setInterval(() => {
          if (re.test(out)) {
            clearInterval(tick);
            resolve();
          } else if (Date.now() - t0 > ms) {
            clearInterval(tick);
            reject(new Error(`timed out waiting for ${re}: ${out.slice(-2000)}`));
          }
        }, 50);
      });
    await waitFor(/"msg":"bot ready"/, 30_000);
    expect(out).toMatch(/"msg":"scheduler started"/);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    const code = await exited;
    expect(code).toBe(0);
    expect(out).toMatch(/"msg":"stopped cleanly"/);
    expect(out).not.toContain(fake.token);
  });
});
