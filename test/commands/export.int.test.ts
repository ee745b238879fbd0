/**
 * /export through the router: real discord.js against the stand-in Discord and Numerai, a real
 * SQLite file. The CSV is read from the upload the stand-in Discord received.
 */
import { MessageFlags } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { EXPORT_FILE_NAME } from "../../src/discord/render/export.js";
import { parseCsv } from "../../src/services/csv.js";
import { EXPORT_HEADER } from "../../src/services/export.js";
import { GUILD, OTHER, USER, startHarnessWithModels, type Harness } from "../helpers/bot-harness.js";
import type { InteractionHandle } from "../helpers/fake-discord/index.js";

let h: Harness;
beforeAll(async () => {
  // Two models with their Numerai history, added the way a user adds them.
  h = await startHarnessWithModels(commands, USER, ["alpha_one", "beta_main"]);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const run = (user: string, attachmentSizeLimit?: number) =>
  h.discord.sendInteraction(h.discord.chatInput({ guildId: GUILD, name: "export", user, ...(attachmentSizeLimit ? { attachmentSizeLimit } : {}) }));
const finalEdit = async (handle: InteractionHandle) => (await handle.awaitCall((c) => c.kind === "edit-original", 15_000)).call;

describe("/export", () => {
  it("attaches every stored score of the caller's models as CSV, privately", async () => {
    const handle = run(USER);
    expect((await handle.awaitResponse()).call.json).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
    const edit = await finalEdit(handle);
    const file = edit.files.find((f) => f.name === EXPORT_FILE_NAME);
    expect(file).toBeDefined();
    const records = parseCsv(file!.bytes.toString("utf8"));
    expect(records[0]?.fields).toEqual([...EXPORT_HEADER]);
    const stored = h.ctx.store.sqlite
      .prepare(
        `select m.name, s.round_number, s.name, s.value from scores s join models m on m.id = s.model_id
         join registrations g on g.model_id = m.id where g.discord_user_id = ? and s.value is not null order by m.name, s.round_number, s.name`,
      )
      .raw(true)
      .all(USER) as Array<[string, number, string, number]>;
    expect(stored.length).toBeGreaterThan(1000);
    expect(records.slice(1).map((r) => [r.fields[0], Number(r.fields[1]), r.fields[2], Number(r.fields[3])])).toEqual(stored);
    expect(new Set(records.slice(1).map((r) => r.fields[0]))).toEqual(new Set(["alpha_one", "beta_main"]));
    expect(records.slice(1).every((r) => r.fields[EXPORT_HEADER.indexOf("source")] === "numerai")).toBe(true);
    expect(handle.original?.data.flags).toBe(MessageFlags.Ephemeral);
    expect(handle.original?.data.content).toMatch(/stored scores of 2 models .*re-imports with `modelfolio import`/);
  });

  it("says when the file is over the limit Discord states for the interaction, and points to the CLI", async () => {
    const handle = run(USER, 64 * 1024);
    const edit = await finalEdit(handle);
    expect(edit.files).toHaveLength(0);
    expect(handle.original?.data.content).toMatch(/larger than the 64\.0 KiB Discord lets a bot attach/);
    expect(handle.original?.data.content).toContain(`modelfolio export --user ${USER} --out scores.csv`);
    expect(handle.original?.data.flags).toBe(MessageFlags.Ephemeral);
  });

  it("tells a user without models to add one with /models add, privately and without a file", async () => {
    const handle = run(OTHER);
    const edit = await finalEdit(handle);
    expect(edit.files).toHaveLength(0);
    expect(handle.original?.data.content).toMatch(/no models to export yet\. Add one with `\/models add`/);
    expect(handle.original?.data.flags).toBe(MessageFlags.Ephemeral);
  });
});
