/**
 * The bot's Discord side through discord.js itself: a real client logged into the stand-in
 * Discord, the stand-in Numerai API, and a real SQLite file. Assertions are on what the bot sent.
 */
import { MessageFlags, PermissionFlagsBits } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { ADMIN, GUILD, OTHER, USER, startHarness, type Harness } from "../helpers/bot-harness.js";
import type { InteractionHandle } from "../helpers/fake-discord/index.js";

let h: Harness;
const NO_PERMS = "0";
const MANAGE_GUILD = PermissionFlagsBits.ManageGuild.toString();

beforeAll(async () => {
  h = await startHarness(commands);
});
afterAll(async () => {
  await h?.close();
});

type Json = { type?: number; data?: { flags?: number; content?: string; choices?: Array<{ name: string; value: string }> } };
const callback = async (handle: InteractionHandle) => (await handle.awaitResponse()).call.json as Json;
/** The final text of the (deferred) reply: content plus embed text. */
async function finalText(handle: InteractionHandle, edits = 1): Promise<string> {
  await handle.awaitEdit(edits, 15_000);
  const m = handle.original?.data;
  return [m?.content ?? "", ...(m?.embeds ?? []).map((e) => JSON.stringify(e))].join("\n");
}
const run = (input: Parameters<Harness["discord"]["chatInput"]>[0]) => h.discord.sendInteraction(h.discord.chatInput({ guildId: GUILD, ...input }));
const rowCount = (table: string) => (h.ctx.store.sqlite.prepare(`select count(*) n from ${table}`).get() as { n: number }).n;

describe("/models", () => {
  it("adds a model checked against Numerai, privately, then follows up when its scores are in", async () => {
    const handle = run({ name: "models", subcommand: "add", options: { name: "alpha_one" }, user: USER });
    expect(await callback(handle)).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
    expect(await finalText(handle)).toMatch(/alpha\\_one/);
    const follow = await handle.awaitCall((c) => c.kind === "followup", 15_000);
    expect(JSON.stringify(follow.call.json)).toMatch(/Scores for .*alpha.*one/);
    expect(rowCount("scores")).toBeGreaterThan(1000);
  });

  it('answers "no Numerai model called X" for an unknown name and stores nothing', async () => {
    const before = rowCount("registrations");
    const handle = run({ name: "models", subcommand: "add", options: { name: "does_not_exist" }, user: USER });
    expect(await finalText(handle)).toMatch(/no Numerai model called does_not_exist/);
    expect(handle.original?.data.flags).toBe(MessageFlags.Ephemeral);
    expect(rowCount("registrations")).toBe(before);
  });

  it("autocompletes the caller's own models only", async () => {
    for (const name of ["alpha_two", "beta_main"]) {
      await finalText(run({ name: "models", subcommand: "add", options: { name }, user: USER }));
    }
    await finalText(run({ name: "models", subcommand: "add", options: { name: "gamma_x" }, user: OTHER }));
    const handle = h.discord.sendInteraction(
      h.discord.autocomplete({ name: "models", subcommand: "remove", guildId: GUILD, user: USER, focused: { name: "model", value: "" } }),
    );
    const res = await callback(handle);
    expect(res.type).toBe(8);
    expect(res.data?.choices?.map((c) => c.value).sort()).toEqual(["alpha_one", "alpha_two", "beta_main"]);
  });

  it("refuses to remove or weight another user's model, changing nothing", async () => {
    const text = await finalText(run({ name: "models", subcommand: "remove", options: { model: "gamma_x" }, user: USER }));
    expect(text).toMatch(/You have no model called gamma_x/);
    expect(h.ctx.services.registrations.list(OTHER).map((r) => r.name)).toEqual(["gamma_x"]);
  });
});

describe("analysis commands", () => {
  it("/correlation answers privately with a heatmap PNG and the effective bets sentence", async () => {
    const handle = run({ name: "correlation", user: USER });
    expect((await callback(handle)).data?.flags).toBe(MessageFlags.Ephemeral);
    const text = await finalText(handle);
    expect(text).toMatch(/independent bets/);
    // Minimum-torsion bets beside the others, as the service computed them, and the rule for which to trust.
    const bets = h.ctx.services.portfolio.correlation({ userId: USER }, {}).bets;
    if ("error" in bets) throw new Error(bets.error);
    expect(text).toContain(`minimum-torsion bets **${bets.minimumTorsion.toFixed(1)}**`);
    expect(text).toMatch(/Which to trust:?\*{0,2} the headline for how many independent bets you hold/);
    const edit = handle.calls.find((c) => c.kind === "edit-original");
    const png = edit?.call.files.find((f) => f.name.endsWith(".png"));
    expect(png?.bytes.subarray(1, 4).toString()).toBe("PNG");
  });

  it("answers in public when asked with public:true, as a follow-up after a private acknowledgement", async () => {
    const handle = run({ name: "contribution", options: { public: true }, user: USER });
    expect((await callback(handle)).data?.flags).toBe(MessageFlags.Ephemeral);
    const follow = await handle.awaitCall((c) => c.kind === "followup", 15_000);
    expect(((follow.call.json as Json).data?.flags ?? (follow.call.json as { flags?: number }).flags ?? 0) & MessageFlags.Ephemeral).toBe(0);
    expect(JSON.stringify(follow.call.json)).toMatch(/Sharpe/);
    expect(handle.followUps[0]?.ephemeral).toBe(false);
  });

  it("keeps a refusal private even when public:true was asked", async () => {
    const handle = run({ name: "correlation", options: { public: true, score: "nonsense_score" }, user: USER });
    expect(await finalText(handle)).toMatch(/No score called nonsense_score/);
    expect(handle.original?.data.flags).toBe(MessageFlags.Ephemeral);
    expect(handle.followUps).toHaveLength(0);
  });

  it("gives one clear ephemeral sentence for a score name that does not exist", async () => {
    const handle = run({ name: "correlation", options: { score: "nonsense_score" }, user: USER });
    expect(await finalText(handle)).toMatch(/No score called nonsense_score/);
    expect(handle.original?.data.flags).toBe(MessageFlags.Ephemeral);
  });

  it.each([
    ["allocate", {}],
    ["prune", {}],
    ["performance", { model: "alpha_one" }],
  ] as const)("/%s replies within Discord's limits", async (name, options) => {
    const handle = run({ name, options, user: USER });
    const text = await finalText(handle);
    expect(text.length).toBeGreaterThan(20);
    expect(text).not.toMatch(/NaN|Infinity/);
  });
});

describe("rounds:N in Discord", () => {
  it("/correlation rounds:30 answers from the last 30 resolved rounds, not the 30 newest (most still being scored), and says which", async () => {
    const handle = run({ name: "correlation", options: { rounds: 30 }, user: USER });
    const text = await finalText(handle);
    const [, first, last] = /Rounds: the last 30 resolved rounds \((\d+)–(\d+)\)/.exec(text) ?? [];
    expect(Number(last) - Number(first)).toBe(29);
    expect(Number(last)).toBeLessThan(1190);
    // The stand-in, like Numerai, has models that skip a round now and then.
    expect(text).toMatch(/from the (29|30) rounds all 3 models share/);
    expect(text).not.toMatch(/has the fewest|count missing rounds as 0/);
  });

  it("answers a window where no pair shares 20 rounds with the reason, and attaches no heatmap", async () => {
    const handle = run({ name: "correlation", options: { rounds: 5 }, user: USER });
    expect(await finalText(handle)).toMatch(/No two of your 3 models share 20 or more of the last 5 resolved rounds/);
    expect(handle.calls.flatMap((c) => c.call.files ?? []).filter((f) => f.name.endsWith(".png"))).toHaveLength(0);
  });

  it("offers missing:zero as a real option with the service's choices", async () => {
    const json = commands.find((c) => c.data.name === "contribution")?.data.toJSON();
    const missing = json?.options?.find((o) => o.name === "missing") as { choices?: Array<{ value: string }> } | undefined;
    expect(missing?.choices?.map((c) => c.value)).toEqual(["drop", "zero"]);
    const handle = run({ name: "contribution", options: { rounds: 30, missing: "zero" }, user: USER });
    expect(await finalText(handle)).toMatch(/Rounds: the last 30 resolved rounds \(\d+–\d+\); a round a model lacks counts as 0\./);
  });
});

describe("/admin", () => {
  it("refuses a non-admin on the server side even if Discord showed the command, and logs the refusal", async () => {
    const runsBefore = rowCount("ingestion_runs");
    const handle = run({ name: "admin", subcommand: "sync", user: OTHER, memberPermissions: NO_PERMS });
    expect(await finalText(handle)).toMatch(/Manage Server|admin/i);
    expect(handle.original?.data.flags).toBe(MessageFlags.Ephemeral);
    expect(rowCount("ingestion_runs")).toBe(runsBefore);
    expect(h.logs.some((l) => l.userId === OTHER && /refused/.test(String(l.msg)))).toBe(true);
  });

  it("refuses a sync to a member with Manage Server who is not a bot admin, and lets a bot admin run it", async () => {
    const runsBefore = rowCount("ingestion_runs");
    const refused = run({ name: "admin", subcommand: "sync", user: OTHER, memberPermissions: MANAGE_GUILD });
    expect(await finalText(refused)).toMatch(/ADMIN_USER_IDS/);
    expect(refused.original?.data.flags).toBe(MessageFlags.Ephemeral);
    expect(rowCount("ingestion_runs")).toBe(runsBefore);
    expect(h.logs.some((l) => l.userId === OTHER && l.action === "sync")).toBe(false);
    const handle = run({ name: "admin", subcommand: "sync", user: ADMIN });
    const text = await finalText(handle);
    expect(text).toMatch(/[Ss]ync/);
    expect(h.logs.some((l) => l.userId === ADMIN && l.action === "sync")).toBe(true);
  });

  it("backfills all models only for ADMIN_USER_IDS", async () => {
    const refused = run({ name: "admin", subcommand: "backfill", options: { from: 1100, to: 1110 }, user: OTHER, memberPermissions: MANAGE_GUILD });
    expect(await finalText(refused)).toMatch(/ADMIN_USER_IDS|bot admins|every model|all models/i);
    const ok = run({ name: "admin", subcommand: "backfill", options: { from: 1100, to: 1110 }, user: ADMIN });
    await ok.awaitCall((c) => c.kind === "edit-original" && /1100/.test(JSON.stringify(c.call.json)) && /[Ff]inished|done|written/.test(JSON.stringify(c.call.json)), 20_000);
  });

  it("imports a CSV attachment all-or-nothing, naming the bad line", async () => {
    const before = rowCount("scores");
    const bad = run({
      name: "admin",
      subcommand: "import",
      user: ADMIN,
      attachments: { file: { filename: "scores.csv", bytes: "model,round,score,value\nzz_model,1000,canon_corr,0.01\nzz_model,1001,canon_corr,oops\n", contentType: "text/csv" } },
    });
    expect(await finalText(bad)).toMatch(/line 3/);
    expect(rowCount("scores")).toBe(before);
    const good = run({
      name: "admin",
      subcommand: "import",
      user: ADMIN,
      attachments: { file: { filename: "scores.csv", bytes: "model,round,score,value\nzz_model,1000,canon_corr,0.01\nzz_other,1001,canon_corr,-0.02\n", contentType: "text/csv" } },
    });
    expect(await finalText(good)).toMatch(/Imported/);
    expect(rowCount("scores")).toBe(before + 2);
  });

  it.each(["=HYPERLINK(1)", "../../etc/passwd", '"zz\nmodel"', "<@&1> @everyone"])("refuses to import a model named %j, naming the line, writing nothing", async (name) => {
    const before = rowCount("scores");
    const models = rowCount("models");
    const handle = run({
      name: "admin",
      subcommand: "import",
      user: ADMIN,
      attachments: { file: { filename: "scores.csv", bytes: `model,round,score,value\nzz_model,1000,canon_corr,0.01\n${name},1001,canon_corr,-0.02\n`, contentType: "text/csv" } },
    });
    expect(await finalText(handle)).toMatch(/nothing was written: line 3: .* is not a Numerai model name/);
    expect(handle.original?.data.flags).toBe(MessageFlags.Ephemeral);
    expect(rowCount("scores")).toBe(before);
    expect(rowCount("models")).toBe(models);
  });

  it("never overwrites a score that came from Numerai: the import skips that model's rows and says so", async () => {
    const sql = "select s.round_number round, s.name, s.value from scores s join models m on m.id = s.model_id where m.name = 'alpha_one' and m.source = 'numerai' order by s.round_number desc, s.name limit 1";
    const numerai = h.ctx.store.sqlite.prepare(sql).get() as { round: number; name: string; value: number };
    expect(numerai).toBeDefined();
    const before = rowCount("scores");
    const handle = run({
      name: "admin",
      subcommand: "import",
      user: ADMIN,
      attachments: {
        file: { filename: "scores.csv", bytes: `model,round,score,value\nALPHA_ONE,${numerai.round},${numerai.name},0.999\nzz_third,${numerai.round},${numerai.name},0.5\n`, contentType: "text/csv" },
      },
    });
    expect(await finalText(handle)).toMatch(/Skipped 1 row of 1 model \(alpha\\_one\) whose scores come from Numerai/);
    expect(h.ctx.store.sqlite.prepare(sql).get()).toEqual(numerai);
    expect(rowCount("scores")).toBe(before + 1);
  });

  it("refuses a non-CSV attachment", async () => {
    const handle = run({ name: "admin", subcommand: "import", user: ADMIN, attachments: { file: { filename: "evil.exe", bytes: Buffer.from([0, 1, 2]), contentType: "application/octet-stream" } } });
    expect(await finalText(handle)).toMatch(/csv/i);
  });
});

describe("the router", () => {
  it("defers within Discord's 3-second deadline even when Numerai is slow", async () => {
    h.numerai.setFaults({ rate: 0, kinds: [], sequence: ["timeout"], holdMs: 1500 });
    const handle = run({ name: "models", subcommand: "add", options: { name: "alpha_three" }, user: USER });
    const first = await handle.awaitResponse();
    expect(first.atMs).toBeLessThan(3000);
    await finalText(handle);
    h.numerai.setFaults(undefined);
  });

  it("turns an unexpected fault into an apology with an error id that is also in the log", async () => {
    const handle = run({ name: "help", user: USER });
    await finalText(handle);
    // Break the store under the bot: any store-touching command now fails unexpectedly.
    h.ctx.store.sqlite.exec("ALTER TABLE registrations RENAME TO registrations_gone");
    try {
      const broken = run({ name: "models", subcommand: "list", user: USER });
      const text = await finalText(broken);
      const id = /error id `([0-9a-f]{8})`/.exec(text)?.[1];
      expect(id).toBeDefined();
      expect(h.logs.some((l) => l.errorId === id)).toBe(true);
      expect(broken.original?.data.flags).toBe(MessageFlags.Ephemeral);
    } finally {
      h.ctx.store.sqlite.exec("ALTER TABLE registrations_gone RENAME TO registrations");
    }
  });

  it("never writes the bot token or the Numerai secret into a log line", () => {
    const all = h.rawLogs.join("\n");
    expect(all.length).toBeGreaterThan(1000);
    expect(all).not.toContain(h.config.discordToken as string);
    expect(all).not.toContain("numerai-secret-value-XYZ");
  });

  it("left no request to a route the stand-in does not know", () => {
    expect(h.discord.unhandled).toEqual([]);
  });
});
