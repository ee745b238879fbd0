/**
 * /admin import and /admin backup against hostile files, through the real discord.js client and
 * the stand-in Discord (which serves attachments at 127.0.0.1 URLs, like Discord's CDN). Every
 * refusal must leave the database as it was; nothing may be written outside the database folder.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { APIChatInputApplicationCommandInteraction } from "discord.js";
import { MessageFlags } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { ADMIN, GUILD, startHarness, type Harness } from "../helpers/bot-harness.js";
import { startAttachmentServer, type AttachmentServer } from "../helpers/attachment-server.js";
import { dbFingerprint } from "../helpers/db-fingerprint.js";
import type { InteractionHandle } from "../helpers/fake-discord/index.js";

const MB = 1024 * 1024;
let h: Harness;
let cdn: AttachmentServer;
let cwdBefore: string[];

beforeAll(async () => {
  cwdBefore = readdirSync(process.cwd()).sort();
  h = await startHarness(commands);
  cdn = await startAttachmentServer();
});
afterAll(async () => {
  await cdn?.close();
  await h?.close();
});

interface FileSpec {
  readonly filename: string;
  readonly bytes: Buffer | string;
  readonly contentType?: string;
}

/** An /admin import interaction by the bot admin; `tamper` may rewrite what Discord reports about the file. */
function importPayload(file: FileSpec, tamper?: (att: { size: number; url: string }) => void): APIChatInputApplicationCommandInteraction {
  const payload = h.discord.chatInput({ name: "admin", subcommand: "import", guildId: GUILD, user: ADMIN, attachments: { file } });
  const attachments = payload.data.resolved?.attachments ?? {};
  for (const att of Object.values(attachments)) tamper?.(att);
  return payload;
}

/** The reply's text, the JSON of the edit that carried it, and whether only the caller sees it. */
async function reply(handle: InteractionHandle): Promise<{ text: string; json: Record<string, unknown>; ephemeral: boolean }> {
  const edit = await handle.awaitEdit(1, 20_000);
  const json = edit.call.json as Record<string, unknown>;
  return { text: typeof json.content === "string" ? json.content : "", json, ephemeral: ((handle.original?.data.flags ?? 0) & MessageFlags.Ephemeral) !== 0 };
}

/** Requests the bot made for attachment bytes, on the stand-in Discord and on the loopback CDN. */
const downloads = () => h.discord.calls.filter((c) => c.path.includes("attachments/")).length + cdn.hits();
const fingerprint = () => dbFingerprint(h.ctx.store.sqlite);
const rowsOf = (sql: string) => h.ctx.store.sqlite.prepare(sql).all();

describe("/admin import with hostile attachments", () => {
  it.each([
    ["a Windows executable", { filename: "evil.exe", bytes: Buffer.from("MZ\x90\x00"), contentType: "application/x-msdownload" }],
    ["a PNG image", { filename: "chart.png", bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47]), contentType: "image/png" }],
    ["a .csv name with an image type", { filename: "scores.csv", bytes: "model,round,score,value\n", contentType: "image/png" }],
    ["a double extension", { filename: "scores.csv.exe", bytes: "model,round,score,value\n", contentType: "text/csv" }],
  ] as const)("refuses %s before downloading it, changing nothing", async (_label, file) => {
    const before = fingerprint();
    const fetched = downloads();
    const { text, ephemeral } = await reply(h.discord.sendInteraction(importPayload(file)));
    expect(text).toMatch(/Only \.csv files/);
    expect(ephemeral).toBe(true);
    expect(downloads()).toBe(fetched);
    expect(fingerprint()).toBe(before);
  });

  it("refuses a 50 MB file by its reported size, before downloading a byte", async () => {
    const before = fingerprint();
    const fetched = downloads();
    const payload = importPayload({ filename: "big.csv", bytes: "model,round,score,value\n", contentType: "text/csv" }, (att) => {
      att.size = 50 * MB;
    });
    const { text } = await reply(h.discord.sendInteraction(payload));
    expect(text).toMatch(/larger than 20 MB/);
    expect(downloads()).toBe(fetched);
    expect(fingerprint()).toBe(before);
  });

  it("stops reading a file that claims to be small but streams 50 MB, and changes nothing", async () => {
    const before = fingerprint();
    const fetched = downloads();
    const body = Buffer.alloc(50 * MB, "a,1000,canon_corr,0.1\n");
    const payload = importPayload({ filename: "liar.csv", bytes: body, contentType: "text/csv" }, (att) => {
      att.size = 1024;
    });
    const rssBefore = process.memoryUsage().rss;
    const { text } = await reply(h.discord.sendInteraction(payload));
    expect(text).toMatch(/larger than 20 MB/);
    expect(downloads()).toBe(fetched + 1);
    expect(fingerprint()).toBe(before);
    // The download was cut off at the limit, not buffered whole (50 MB body + its copies would show).
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(120 * MB);
  });

  it.each([
    ["bytes that are not UTF-8", Buffer.from([0xff, 0xfe, 0x00, 0x41, 0xc3, 0x28, 0x89, 0x50, 0x4e, 0x47]), /not UTF-8/],
    ["UTF-8 with NUL bytes", Buffer.from("model,round,score,value\nx\u0000y,1000,canon_corr,0.1\n"), /binary data/],
    ["random bytes", Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)), /not UTF-8|binary data|header/],
  ] as const)("refuses %s named .csv with one sentence, changing nothing", async (_label, bytes, reason) => {
    const before = fingerprint();
    const { text, ephemeral } = await reply(h.discord.sendInteraction(importPayload({ filename: "garbage.csv", bytes, contentType: "text/csv" })));
    expect(text).toMatch(reason);
    expect(text).toMatch(/nothing was written|rejected/i);
    expect(ephemeral).toBe(true);
    expect(fingerprint()).toBe(before);
  });

  it("refuses spreadsheet-formula and mention model names like a name typed in Discord, writing nothing and pinging no one", async () => {
    const names = ["=cmd|' /C calc'!A0", "+1", "-2", "@x", "@everyone", "<@300000000000000002>", "=HYPERLINK(\"http://evil.example\",\"click\")"];
    for (const [i, name] of names.entries()) {
      const before = fingerprint();
      const csv = `model,round,score,value\nzz_fine,1000,canon_corr,0.01\n"${name.replace(/"/g, '""')}",1000,canon_corr,0.0${i + 1}\n`;
      const { text, json, ephemeral } = await reply(h.discord.sendInteraction(importPayload({ filename: "injection.csv", bytes: csv, contentType: "text/csv" })));
      expect(text).toMatch(/nothing was written: line 3: .* is not a Numerai model name/);
      expect(ephemeral).toBe(true);
      expect(fingerprint()).toBe(before);
      // The refusal quotes the name, inert: mentions are never parsed.
      expect(json.allowed_mentions).toEqual({ parse: [] });
    }
  });

  it("refuses formula cells in the value column as not numbers, writing nothing", async () => {
    const before = fingerprint();
    const csv = "model,round,score,value\nzz_formula,1000,canon_corr,=1+1\nzz_formula,1001,canon_corr,+0.5\nzz_formula,1002,canon_corr,@SUM(A1)\n";
    const { text } = await reply(h.discord.sendInteraction(importPayload({ filename: "values.csv", bytes: csv, contentType: "text/csv" })));
    expect(text).toMatch(/line 2: value "=1\+1" is not a finite number/);
    expect(text).toMatch(/line 4: value "@SUM\(A1\)" is not a finite number/);
    expect(fingerprint()).toBe(before);
  });

  it.each([
    ["../../etc/passwd.csv"],
    ["..\\..\\windows\\evil.csv"],
    ["/tmp/modelfolio-owned.csv"],
    ["....//....//x.csv"],
  ])("treats the file name %s as a label only: nothing is written outside the database", async (filename) => {
    const dbDir = h.db.dir;
    const filesBefore = readdirSync(dbDir).sort();
    // The stand-in Discord decodes "/" in attachment paths; the loopback CDN serves any name.
    const url = cdn.host("model,round,score,value\nzz_traversal,1000,canon_corr,0.5\n", filename);
    const payload = importPayload({ filename, bytes: "unused", contentType: "text/csv" }, (att) => {
      att.url = url;
    });
    const { text } = await reply(h.discord.sendInteraction(payload));
    expect(text).toMatch(/Imported/);
    expect(readdirSync(dbDir).sort()).toEqual(filesBefore);
    for (const base of [dbDir, process.cwd()]) expect(existsSync(resolve(base, filename.replace(/\\/g, "/")))).toBe(false);
    expect(existsSync("/tmp/modelfolio-owned.csv")).toBe(false);
    expect(readdirSync(process.cwd()).sort()).toEqual(cwdBefore);
    const params = rowsOf("select params from ingestion_runs where kind = 'import' order by id desc limit 1") as Array<{ params: string }>;
    expect(JSON.parse(params[0]?.params ?? "{}")).toMatchObject({ fileName: filename });
  });

  it("does not fetch an attachment URL that is not Discord's", async () => {
    const before = fingerprint();
    const payload = importPayload({ filename: "scores.csv", bytes: "x", contentType: "text/csv" }, (att) => {
      att.url = "http://169.254.169.254/latest/meta-data/iam.csv";
    });
    const { text } = await reply(h.discord.sendInteraction(payload));
    expect(text).toMatch(/does not come from Discord/);
    expect(fingerprint()).toBe(before);
  });
});

describe("/admin backup", () => {
  it("takes no option that could name a path", () => {
    const admin = commands.find((c) => c.data.name === "admin");
    const backup = admin?.data.toJSON().options?.find((o) => o.name === "backup") as { options?: unknown[] } | undefined;
    expect(backup).toBeDefined();
    expect(backup?.options ?? []).toEqual([]);
  });

  it("writes the copy next to the database even when the interaction smuggles a path option", async () => {
    const payload = h.discord.chatInput({ name: "admin", subcommand: "backup", guildId: GUILD, user: ADMIN, options: { path: "../../evil.db" } });
    const { text } = await reply(h.discord.sendInteraction(payload));
    const path = /`([^`]+)`/.exec(text)?.[1];
    expect(path).toBeDefined();
    expect(resolve(path as string).startsWith(join(h.db.dir, "backups"))).toBe(true);
    expect(existsSync(path as string)).toBe(true);
    expect(existsSync(resolve(h.db.dir, "../../evil.db"))).toBe(false);
    expect(readdirSync(process.cwd()).sort()).toEqual(cwdBefore);
  });

  // Three quick /admin backup calls used to write three full copies of the database.
  it("refuses further backups within the rate limit, ephemerally, writing no copy", async () => {
    const folder = join(h.db.dir, "backups");
    const before = readdirSync(folder).sort();
    expect(before).toHaveLength(1);
    for (let i = 0; i < 2; i += 1) {
      const handle = h.discord.sendInteraction(h.discord.chatInput({ name: "admin", subcommand: "backup", guildId: GUILD, user: ADMIN }));
      const { text, ephemeral } = await reply(handle);
      expect(text).toMatch(/At most one backup every 10 minutes/);
      expect(ephemeral).toBe(true);
    }
    expect(readdirSync(folder).sort()).toEqual(before);
  });
});
