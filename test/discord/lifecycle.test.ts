import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeDiscord, type FakeDiscord } from "../helpers/fake-discord/index.js";

describe("npm start with a token", () => {
  let fake: FakeDiscord | undefined;
  let dir: string | undefined;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    // A failed assertion must not leave the bot running.
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await fake?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("logs in, runs, and on SIGTERM stops jobs, closes the database and exits 0", async () => {
    fake = await startFakeDiscord({ guilds: [{ id: "400000000000000002" }] });
    dir = mkdtempSync(join(tmpdir(), "modelfolio-life-"));
    const bot = spawn(process.execPath, ["--import", "tsx", "src/index.ts"], {
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
    child = bot;
    const exited = new Promise<number | string | null>((resolve) => bot.once("exit", (code, signal) => resolve(code ?? signal)));
    let out = "";
    const waiters: Array<() => void> = [];
    const onData = (d: Buffer) => {
      out += d.toString();
      for (const w of waiters.splice(0)) w();
    };
    bot.stdout.on("data", onData);
    bot.stderr.on("data", onData);
    // Resolves once every pattern has appeared somewhere in the output, in whatever chunks and order it arrives.
    const waitFor = (patterns: readonly RegExp[], ms: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${patterns.filter((re) => !re.test(out)).join(", ")}: ${out.slice(-2000)}`)), ms);
        const check = () => {
          if (patterns.every((re) => re.test(out))) {
            clearTimeout(timer);
            resolve();
          } else if (bot.exitCode !== null) {
            clearTimeout(timer);
            reject(new Error(`the bot exited with ${bot.exitCode} before printing ${patterns.join(", ")}: ${out.slice(-2000)}`));
          } else waiters.push(check);
        };
        check();
        void exited.then(check);
      });
    await waitFor([/"msg":"bot ready"/, /"msg":"scheduler started"/], 60_000);
    bot.kill("SIGTERM");
    const code = await exited;
    // Output written just before exit may still be in the pipe: wait for both streams to end.
    await Promise.all([bot.stdout, bot.stderr].filter((s) => !s.readableEnded).map((s) => new Promise((r) => s.once("end", r))));
    expect(code, out.slice(-2000)).toBe(0);
    expect(out).toMatch(/"msg":"stopped cleanly"/);
    expect(out).not.toContain(fake.token);
  }, 90_000);
});
