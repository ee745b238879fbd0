import type { ChildProcess } from "node:child_process";
import { ChannelType } from "discord.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { spawnTs } from "../faults/support.js";
import { startFakeDiscord, type FakeDiscord } from "../helpers/fake-discord/index.js";
import { startFakeNumerai, type FakeNumerai } from "../helpers/fake-numerai.js";
import { syntheticModels } from "../helpers/synthetic-scores.js";
import { waitUntil } from "../helpers/wait.js";

const GUILD = "400000000000000002";
const USER = "300000000000000001";
const CHANNEL = "400000000000000010";

/** The bot's output as it arrives, and its exit. */
function watch(bot: ChildProcess) {
  const exited = new Promise<number | string | null>((resolve) => bot.once("exit", (code, signal) => resolve(code ?? signal)));
  const state = { out: "" };
  const waiters: Array<() => void> = [];
  const onData = (d: Buffer) => {
    state.out += d.toString();
    for (const w of waiters.splice(0)) w();
  };
  bot.stdout?.on("data", onData);
  bot.stderr?.on("data", onData);
  // Resolves once every pattern has appeared somewhere in the output, in whatever chunks and order it arrives.
  const waitFor = (patterns: readonly RegExp[], ms: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${patterns.filter((re) => !re.test(state.out)).join(", ")}: ${state.out.slice(-2000)}`)), ms);
      const check = () => {
        if (patterns.every((re) => re.test(state.out))) {
          clearTimeout(timer);
          resolve();
        } else if (bot.exitCode !== null) {
          clearTimeout(timer);
          reject(new Error(`the bot exited with ${bot.exitCode} before printing ${patterns.join(", ")}: ${state.out.slice(-2000)}`));
        } else waiters.push(check);
      };
      check();
      void exited.then(check);
    });
  // Output written just before exit may still be in the pipe: wait for both streams to end.
  const ended = () => Promise.all([bot.stdout, bot.stderr].filter((s) => s && !s.readableEnded).map((s) => new Promise((r) => s!.once("end", r))));
  return { state, exited, waitFor, ended };
}

describe("npm start with a token", () => {
  let fake: FakeDiscord | undefined;
  let numerai: FakeNumerai | undefined;
  let dir: string | undefined;
  // The spawned bot is killed by test/faults/support.ts's afterEach if a test fails mid-way.
  afterEach(async () => {
    await fake?.close();
    await numerai?.close();
    fake = undefined;
    numerai = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("logs in, runs, and on SIGTERM stops jobs, closes the database and exits 0", async () => {
    fake = await startFakeDiscord({ guilds: [{ id: GUILD }] });
    dir = mkdtempSync(join(tmpdir(), "modelfolio-life-"));
    const bot = spawnTs("src/index.ts", [], {
      DISCORD_TOKEN: fake.token,
      DISCORD_API_BASE: fake.restBase,
      DATABASE_PATH: join(dir, "bot.db"),
      NUMERAI_API_URL: "http://127.0.0.1:9",
      LOG_LEVEL: "info",
    });
    const w = watch(bot);
    await w.waitFor([/"msg":"bot ready"/, /"msg":"scheduler started"/], 60_000);
    bot.kill("SIGTERM");
    const code = await w.exited;
    await w.ended();
    expect(code, w.state.out.slice(-2000)).toBe(0);
    expect(w.state.out).toMatch(/"msg":"stopped cleanly"/);
    expect(w.state.out).not.toContain(fake.token);
  }, 90_000);

  it("on SIGTERM while Discord does not answer, gives each shutdown step a few seconds, names the one that hung and exits", async () => {
    fake = await startFakeDiscord({ guilds: [{ id: GUILD }], channels: [{ id: CHANNEL, type: ChannelType.GuildText, guildId: GUILD, name: "general" }], users: [{ id: USER }] });
    numerai = await startFakeNumerai({ models: syntheticModels({ names: ["alpha_one"], fromRound: 900, toRound: 1010, seed: 3, currentRound: 1010 }), currentRound: 1010 });
    dir = mkdtempSync(join(tmpdir(), "modelfolio-life-"));
    const bot = spawnTs("src/index.ts", [], {
      DISCORD_TOKEN: fake.token,
      DISCORD_API_BASE: fake.restBase,
      DATABASE_PATH: join(dir, "bot.db"),
      NUMERAI_API_URL: numerai.url,
      LOG_LEVEL: "info",
    });
    const w = watch(bot);
    await w.waitFor([/"msg":"bot ready"/, /"msg":"scheduler started"/], 60_000);

    // /models add answers, then its background follow-up (scores are in) meets a Discord that holds every request.
    const isFollowUp = (c: { method: string; path: string }) => c.method === "POST" && /^\/webhooks\/\d+\/[^/]+$/.test(c.path);
    const hold = fake.delay((r) => isFollowUp(r), 120_000);
    const handle = fake.sendInteraction(fake.chatInput({ name: "models", subcommand: "add", options: { name: "alpha_one" }, user: USER, guildId: GUILD }));
    // The answer: the callback itself when ready within ANSWER_WITHIN_MS, else an edit of the deferred reply.
    await handle.awaitCall((c) => c.kind === "edit-original" || (c.kind === "callback" && (c.call.json as { type?: number } | undefined)?.type === 4), 30_000);
    await waitUntil(() => fake!.calls.some(isFollowUp), "the follow-up to reach Discord", 30_000);

    const signalled = Date.now();
    bot.kill("SIGTERM");
    const code = await w.exited;
    const tookMs = Date.now() - signalled;
    await w.ended();
    hold.clear();
    expect(code, w.state.out.slice(-3000)).toBe(1);
    // Three seconds for the step that hangs, the others at once; well before discord.js's own 15 s request timeout.
    expect(tookMs, w.state.out.slice(-3000)).toBeLessThan(10_000);
    expect(w.state.out).toMatch(/"step":"bot\.drain".*"msg":"shutdown step bot\.drain did not finish within 3000 ms; going on without it"/);
    expect(w.state.out).toMatch(/"msg":"stopped; a shutdown step did not finish"/);
    // The other steps finished in time.
    expect(w.state.out).not.toMatch(/"step":"(client\.destroy|ctx\.close|scheduler\.stop)"/);
  }, 120_000);
});
