/**
 * End to end, from a fresh database, through real discord.js and the stand-in Discord and
 * Numerai servers: a user adds three models, an admin backfills 300 rounds, the user asks for
 * every analysis, subscribes to the digest, the clock reaches digest time, exactly one digest
 * arrives — and the numbers in the replies equal `modelfolio analyze --json` on the same database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { runCli } from "../../src/cli/main.js";
import { createDiscordDelivery } from "../../src/discord/delivery.js";
import { runDigestDispatch } from "../../src/jobs/weekly-digest.js";
import { ADMIN, GUILD, USER, startHarness, type Harness } from "../helpers/bot-harness.js";
import type { InteractionHandle } from "../helpers/fake-discord/index.js";

const MODELS = ["alpha_one", "alpha_two", "beta_main"];
let h: Harness;

beforeAll(async () => {
  h = await startHarness(commands, { numeraiModels: MODELS, fromRound: 880 });
});
afterAll(async () => h?.close());

const run = (input: Parameters<Harness["discord"]["chatInput"]>[0]) => h.discord.sendInteraction(h.discord.chatInput({ guildId: GUILD, ...input }));
async function reply(handle: InteractionHandle): Promise<string> {
  await handle.awaitEdit(1, 30_000);
  const m = handle.original?.data;
  return [m?.content ?? "", ...(m?.embeds ?? []).map((e) => [e.title, e.description, ...(e.fields ?? []).map((f) => `${f.name}\n${f.value}`)].join("\n"))].join("\n");
}
async function analyze(kind: string): Promise<Record<string, unknown>> {
  const out: string[] = [];
  const code = await runCli(["analyze", kind, "--user", USER, "--json"], { DATABASE_PATH: h.config.databasePath, NUMERAI_API_URL: "http://127.0.0.1:9", LOG_LEVEL: "silent" }, {
    out: (l) => out.push(l),
    err: (l) => out.push(l),
  });
  expect(code, out.join("\n")).toBe(0);
  return JSON.parse(out.join("\n")) as Record<string, unknown>;
}
const nextMonday13 = (from: Date) => {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate(), 13));
  while (d.getUTCDay() !== 1 || d <= from) d.setUTCDate(d.getUTCDate() + 1);
  return d;
};

describe("a participant's first week with modelfolio", () => {
  it("goes from nothing to one weekly digest, with replies that match the CLI's numbers", async () => {
    // 1. Three models, checked with Numerai; their history arrives in the background.
    for (const name of MODELS) {
      const handle = run({ name: "models", subcommand: "add", options: { name }, user: USER });
      await handle.awaitCall((c) => c.kind === "followup", 30_000);
    }
    expect(h.ctx.services.registrations.list(USER).map((r) => r.name)).toEqual(MODELS);

    // 2. An admin backfills 300 rounds.
    const backfill = run({ name: "admin", subcommand: "backfill", options: { from: 891, to: 1190 }, user: ADMIN });
    await backfill.awaitCall((c) => c.kind === "edit-original" && /891/.test(JSON.stringify(c.call.json)) && /(written|done|Finished)/i.test(JSON.stringify(c.call.json)), 60_000);
    expect(h.ctx.services.repos.runs.recent(1, "backfill")[0]?.status).toBe("succeeded");

    // 3. Every analysis, compared with the CLI on the same database.
    const correlation = await reply(run({ name: "correlation", user: USER }));
    const corrJson = (await analyze("correlation")) as { bets: { participationRatio: number } };
    expect(correlation).toContain(`behave like **${corrJson.bets.participationRatio.toFixed(1)} independent bets**`);

    const contribution = await reply(run({ name: "contribution", user: USER }));
    const contribJson = (await analyze("contribution")) as { portfolioSharpe: number; rows: Array<{ name: string; leaveOneOut: number }> };
    expect(contribution).toContain(`Portfolio Sharpe **${contribJson.portfolioSharpe.toFixed(3)}**`);
    for (const row of contribJson.rows) {
      const sign = row.leaveOneOut >= 0 ? "+" : "-";
      expect(contribution).toContain(`${sign}${Math.abs(row.leaveOneOut).toFixed(3)}`);
    }

    const allocate = await reply(run({ name: "allocate", user: USER }));
    const allocJson = (await analyze("allocate")) as { baselines: { equal: { sharpe: number } | null }; commonRounds: number };
    expect(allocate).toContain(`${allocJson.commonRounds} rounds`);
    expect(allocJson.baselines.equal).not.toBeNull();
    expect(allocate).toContain(allocJson.baselines.equal!.sharpe.toFixed(2));

    const prune = await reply(run({ name: "prune", user: USER }));
    const pruneJson = (await analyze("prune")) as { portfolioSharpeBefore: number; steps: unknown[] };
    expect(prune).toContain(pruneJson.portfolioSharpeBefore.toFixed(3));

    const performance = await reply(run({ name: "performance", options: { model: "alpha_one" }, user: USER }));
    const perfJson = (await analyze("performance")) as { rows: Array<{ name: string; stats: { sharpe: number; n: number } }> };
    const alpha = perfJson.rows.find((r) => r.name === "alpha_one")!;
    expect(performance).toContain(alpha.stats.sharpe.toFixed(3));

    // 4. A digest subscription posts nothing until its time; then exactly one digest arrives.
    const subscribed = await reply(run({ name: "digest", subcommand: "subscribe", user: USER }));
    expect(subscribed).toMatch(/Monday/);
    const due = nextMonday13(new Date());
    const ctx = {
      logger: h.ctx.logger,
      store: h.ctx.store,
      config: h.ctx.config,
      services: h.ctx.services,
      discord: createDiscordDelivery(h.bot.client.rest, { botUserId: h.bot.client.user?.id ?? null, token: h.bot.client.token }),
      discourse: null,
    };
    expect((await runDigestDispatch(ctx, new Date(due.getTime() - 60_000))).sent).toBe(0);
    expect(await runDigestDispatch(ctx, due)).toMatchObject({ sent: 1, failed: 0 });
    expect(await runDigestDispatch(ctx, new Date(due.getTime() + 5 * 60_000))).toMatchObject({ sent: 0 });
    const dm = h.discord.dmChannelFor(USER);
    const posted = (h.discord.messages.get(dm) ?? []).filter((m) => !m.deleted && m.origin === "channel");
    expect(posted).toHaveLength(1);
    expect(JSON.stringify(posted[0]?.data)).toMatch(/[Dd]igest/);
    expect(h.discord.unhandled).toEqual([]);
  });
});
