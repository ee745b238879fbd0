/**
 * Who may do what, checked on the server side through the real discord.js client and the
 * stand-in Discord: Discord's default member permissions only hide commands, so every handler
 * must refuse on its own. Refusals change nothing and are logged with who tried.
 */
import type { APIApplicationCommandBasicOption, APIApplicationCommandOption, APIApplicationCommandSubcommandOption } from "discord.js";
import { ApplicationCommandOptionType, MessageFlags, PermissionFlagsBits } from "discord.js";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { ADMIN, GUILD, OTHER, USER, startHarness, type Harness } from "../helpers/bot-harness.js";
import { dbFingerprint } from "../helpers/db-fingerprint.js";
import { REQUIRED_TRUST } from "../../src/discord/trust.js";
import type { InteractionHandle, OptionValue } from "../helpers/fake-discord/index.js";

const NO_PERMS = "0";
const MANAGE_GUILD = PermissionFlagsBits.ManageGuild.toString();
const USER_MODELS = ["alpha_one", "alpha_two", "beta_main"];
const OTHER_MODEL = "gamma_x";
const OTHER_WEIGHT = 0.42;

let h: Harness;

beforeAll(async () => {
  h = await startHarness(commands);
  for (const name of USER_MODELS) await settle(run({ name: "models", subcommand: "add", options: { name }, user: USER }));
  await settle(run({ name: "models", subcommand: "add", options: { name: OTHER_MODEL }, user: OTHER }));
  await settle(run({ name: "models", subcommand: "weight", options: { model: OTHER_MODEL, weight: { type: ApplicationCommandOptionType.Number, value: OTHER_WEIGHT } }, user: OTHER }));
  // The first scores arrive in the background; wait for them so they cannot count as a change later.
  await h.bot.context.drain();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const run = (input: Parameters<Harness["discord"]["chatInput"]>[0]) => h.discord.sendInteraction(h.discord.chatInput({ guildId: GUILD, ...input }));

async function settle(handle: InteractionHandle): Promise<string> {
  await handle.awaitEdit(1, 20_000);
  const m = handle.original?.data;
  return [m?.content ?? "", ...(m?.embeds ?? []).map((e) => JSON.stringify(e))].join("\n");
}
const ephemeral = (handle: InteractionHandle) => ((handle.original?.data.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
const fingerprint = () => dbFingerprint(h.ctx.store.sqlite);
const refusalsLogged = (userId: string, command: string) => h.logs.filter((l) => l.userId === userId && l.command === command && l.msg === "command refused").length;

/** Options that would make each /admin subcommand do real work for an admin. */
function workingOptions(sub: APIApplicationCommandSubcommandOption): { options: Record<string, OptionValue>; attachments?: Record<string, { filename: string; bytes: string; contentType: string }> } {
  const options: Record<string, OptionValue> = {};
  let attachments: Record<string, { filename: string; bytes: string; contentType: string }> | undefined;
  const subOptions: APIApplicationCommandBasicOption[] = sub.options ?? [];
  for (const o of subOptions) {
    if (o.type === ApplicationCommandOptionType.Integer) options[o.name] = o.name === "to" ? 1110 : 1100;
    else if (o.type === ApplicationCommandOptionType.String) options[o.name] = o.name === "model" ? "alpha_one" : "canon_corr";
    else if (o.type === ApplicationCommandOptionType.Attachment) {
      attachments = { [o.name]: { filename: "scores.csv", bytes: "model,round,score,value\nzz_intruder,1000,canon_corr,0.5\n", contentType: "text/csv" } };
    } else throw new Error(`no working value for option type ${String(o.type)}`);
  }
  return attachments ? { options, attachments } : { options };
}

const adminOptions: APIApplicationCommandOption[] = commands.find((c) => c.data.name === "admin")?.data.toJSON().options ?? [];
const adminSubcommands = adminOptions.filter(
  (o): o is APIApplicationCommandSubcommandOption => o.type === ApplicationCommandOptionType.Subcommand,
);

describe("/admin for someone who is not an admin", () => {
  it("covers every /admin subcommand", () => {
    expect(adminSubcommands.map((s) => s.name).sort()).toEqual(["backfill", "backup", "import", "status", "sync"]);
  });

  it.each(adminSubcommands.map((s) => [s.name, s] as const))("refuses /admin %s on the server side, changes nothing and logs who tried", async (_name, sub) => {
    const before = fingerprint();
    const numeraiCalls = h.numerai.requests.length;
    const downloads = h.discord.calls.filter((c) => c.path.includes("attachments/")).length;
    const logged = refusalsLogged(OTHER, "admin");
    const handle = run({ name: "admin", subcommand: sub.name, user: OTHER, memberPermissions: NO_PERMS, ...workingOptions(sub) });
    const text = await settle(handle);
    expect(text).toMatch(/only the bot's admins \(ADMIN_USER_IDS\)/);
    expect(ephemeral(handle)).toBe(true);
    expect(fingerprint()).toBe(before);
    expect(h.numerai.requests.length).toBe(numeraiCalls);
    expect(h.discord.calls.filter((c) => c.path.includes("attachments/")).length).toBe(downloads);
    expect(existsSync(join(h.db.dir, "backups"))).toBe(false);
    expect(refusalsLogged(OTHER, "admin")).toBe(logged + 1);
  });

  // Manage Server is a guild's own permission, and anyone can own a guild: it must not reach the
  // store every guild shares (imports overwrote scores, backups filled the disk).
  it.each(adminSubcommands.map((s) => [s.name, s] as const))(
    "refuses /admin %s to a Manage Server member who is not a bot admin, ephemerally, changing nothing",
    async (_name, sub) => {
      const before = fingerprint();
      const numeraiCalls = h.numerai.requests.length;
      const downloads = h.discord.calls.filter((c) => c.path.includes("attachments/")).length;
      const logged = refusalsLogged(OTHER, "admin");
      const handle = run({ name: "admin", subcommand: sub.name, user: OTHER, memberPermissions: MANAGE_GUILD, ...workingOptions(sub) });
      const text = await settle(handle);
      expect(text).toMatch(/ADMIN_USER_IDS/);
      expect(ephemeral(handle)).toBe(true);
      expect(fingerprint()).toBe(before);
      expect(h.numerai.requests.length).toBe(numeraiCalls);
      expect(h.discord.calls.filter((c) => c.path.includes("attachments/")).length).toBe(downloads);
      expect(existsSync(join(h.db.dir, "backups"))).toBe(false);
      expect(refusalsLogged(OTHER, "admin")).toBe(logged + 1);
    },
  );

  it("names a required trust for every /admin subcommand in the one table", () => {
    for (const s of adminSubcommands) expect(REQUIRED_TRUST).toHaveProperty(`admin ${s.name}`);
  });

  it("refuses a server manager who is not a bot admin a backfill of every model", async () => {
    const before = fingerprint();
    const logged = refusalsLogged(OTHER, "admin");
    const text = await settle(run({ name: "admin", subcommand: "backfill", options: { from: 1100, to: 1110 }, user: OTHER, memberPermissions: MANAGE_GUILD }));
    expect(text).toMatch(/ADMIN_USER_IDS/);
    expect(fingerprint()).toBe(before);
    expect(refusalsLogged(OTHER, "admin")).toBe(logged + 1);
  });

  it("offers a non-admin no model names in /admin autocomplete", async () => {
    const handle = h.discord.sendInteraction(
      h.discord.autocomplete({ name: "admin", subcommand: "backfill", guildId: GUILD, user: OTHER, memberPermissions: NO_PERMS, focused: { name: "model", value: "" } }),
    );
    const res = (await handle.awaitResponse()).call.json as { data?: { choices?: unknown[] } };
    expect(res.data?.choices).toEqual([]);
  });
});

describe("/admin in direct messages", () => {
  it.each([
    ["a bot admin", ADMIN],
    ["anyone else", OTHER],
  ])("is refused for %s, changing nothing", async (_who, user) => {
    const before = fingerprint();
    const logged = refusalsLogged(user, "admin");
    for (const sub of ["status", "backup", "sync"]) {
      const handle = h.discord.sendInteraction(h.discord.chatInput({ name: "admin", subcommand: sub, user }));
      const text = await settle(handle);
      expect(text).toMatch(/inside a server|ADMIN_USER_IDS/);
      expect(ephemeral(handle)).toBe(true);
    }
    expect(fingerprint()).toBe(before);
    expect(existsSync(join(h.db.dir, "backups"))).toBe(false);
    expect(refusalsLogged(user, "admin")).toBe(logged + 3);
  });
});

describe("another user's models", () => {
  const otherRegistration = () =>
    h.ctx.store.sqlite
      .prepare("select r.discord_user_id user, r.declared_weight weight from registrations r join models m on m.id = r.model_id where m.name = ?")
      .all(OTHER_MODEL);

  it.each([
    ["remove", { model: OTHER_MODEL }],
    ["weight", { model: OTHER_MODEL, weight: { type: ApplicationCommandOptionType.Number, value: 0 } }],
    ["weight", { model: OTHER_MODEL.toUpperCase(), weight: { type: ApplicationCommandOptionType.Number, value: 0.9 } }],
  ] as const)("refuses /models %s of someone else's model, changing nothing and logging it", async (subcommand, options) => {
    const before = fingerprint();
    const logged = refusalsLogged(USER, "models");
    const handle = run({ name: "models", subcommand, options, user: USER });
    expect(await settle(handle)).toMatch(/You have no model called gamma_x/);
    expect(ephemeral(handle)).toBe(true);
    expect(fingerprint()).toBe(before);
    expect(otherRegistration()).toEqual([{ user: OTHER, weight: OTHER_WEIGHT }]);
    expect(refusalsLogged(USER, "models")).toBe(logged + 1);
  });

  it("refuses /performance of someone else's model without showing any of its numbers", async () => {
    const logged = refusalsLogged(USER, "performance");
    const handle = run({ name: "performance", options: { model: OTHER_MODEL }, user: USER });
    const text = await settle(handle);
    expect(text).toMatch(/You have no model called gamma_x/);
    expect(text).not.toMatch(/Sharpe|mean/i);
    expect(ephemeral(handle)).toBe(true);
    expect(handle.calls.some((c) => (c.call.files?.length ?? 0) > 0)).toBe(false);
    expect(refusalsLogged(USER, "performance")).toBe(logged + 1);
  });

  it.each([
    ["models", "list", {}],
    ["correlation", undefined, {}],
    ["contribution", undefined, {}],
    ["allocate", undefined, {}],
    ["prune", undefined, {}],
    ["performance", undefined, {}],
  ] as const)("/%s %s shows only the caller's models", async (name, subcommand, options) => {
    const handle = run({ name, ...(subcommand ? { subcommand } : {}), options, user: USER });
    const text = await settle(handle);
    expect(text).toMatch(/alpha/);
    expect(text).not.toMatch(/gamma/);
    const files = handle.calls.flatMap((c) => c.call.files ?? []);
    for (const f of files.filter((x) => /\.(csv|txt)$/.test(x.name))) expect(f.bytes.toString("utf8")).not.toMatch(/gamma/);
  });

  it.each([
    ["models", "remove"],
    ["models", "weight"],
    ["performance", undefined],
  ] as const)("autocompletes /%s %s with the caller's models only", async (name, subcommand) => {
    const handle = h.discord.sendInteraction(
      h.discord.autocomplete({ name, ...(subcommand ? { subcommand } : {}), guildId: GUILD, user: USER, focused: { name: "model", value: "" } }),
    );
    const res = (await handle.awaitResponse()).call.json as { data?: { choices?: Array<{ value: string }> } };
    expect(res.data?.choices?.map((c) => c.value).sort()).toEqual([...USER_MODELS].sort());
  });
});
