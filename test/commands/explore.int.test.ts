/**
 * Explore in place (issue 14) through the real router, discord.js and the stand-in Discord:
 * analysis replies carry window buttons and a score menu; the owner's press re-runs the same
 * service call and edits the same message; anyone else's press is refused ephemerally and changes
 * nothing; after 15 minutes (the bot's clock moved) a press says the view expired and strips the
 * components; long tables page; /allocate's "Use these weights" asks before it changes anything.
 */
import type { APIActionRowComponent, APIComponentInMessageActionRow, APIEmbed } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { limitViolations } from "../../src/discord/render/payload.js";
import { TABLE_PAGE_SIZE } from "../../src/discord/render/explore.js";
import { VIEW_LIFETIME_MS } from "../../src/discord/view-state.js";
import { GUILD, OTHER, USER, startHarnessWithModels, type Harness } from "../helpers/bot-harness.js";
import type { InteractionHandle, StoredMessage } from "../helpers/fake-discord/index.js";

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;
interface Sent {
  content?: string;
  embeds: APIEmbed[];
  components?: Row[];
  flags?: number;
}

const rows = (m: StoredMessage): Row[] => (m.data.components ?? []) as Row[];
const text = (m: StoredMessage): string => m.data.embeds.map((e) => [e.description ?? "", ...(e.fields ?? []).map((f) => `${f.name}\n${f.value}`)].join("\n")).join("\n");

/** The custom_id of the button labelled `label`, or of the select menu with that placeholder. */
function customId(m: StoredMessage, label: string): string {
  for (const row of rows(m))
    for (const c of row.components) {
      if ("label" in c && c.label === label && "custom_id" in c) return c.custom_id;
      if ("placeholder" in c && c.placeholder === label) return c.custom_id;
    }
  throw new Error(`no component ${label} in ${JSON.stringify(rows(m))}`);
}

const labels = (row: Row | undefined): string[] => (row?.components ?? []).map((c) => ("label" in c ? (c.label ?? "") : "placeholder" in c ? (c.placeholder ?? "") : ""));
const disabled = (row: Row | undefined): boolean[] => (row?.components ?? []).map((c) => ("disabled" in c ? (c.disabled ?? false) : false));
const selected = (row: Row | undefined): string[] => {
  const c = row?.components[0];
  return c && "options" in c ? c.options.filter((o) => o.default).map((o) => o.value) : [];
};

async function replyIn(h: Harness, name: string, options: Record<string, string | number | boolean> = {}): Promise<StoredMessage> {
  const handle = h.discord.sendInteraction(h.discord.chatInput({ guildId: GUILD, name, options, user: USER }));
  await handle.awaitEdit(1, 30_000);
  if (!handle.original) throw new Error("no reply");
  return handle.original;
}

async function callback(handle: InteractionHandle): Promise<{ type: number; data: Sent }> {
  return (await handle.awaitResponse(30_000)).call.json as { type: number; data: Sent };
}

function press(h: Harness, m: StoredMessage, label: string, user = USER): InteractionHandle {
  return h.discord.sendInteraction(h.discord.button({ customId: customId(m, label), user, guildId: GUILD, message: m }));
}

function pick(h: Harness, m: StoredMessage, placeholder: string, value: string, user = USER): InteractionHandle {
  return h.discord.sendInteraction(h.discord.stringSelect({ customId: customId(m, placeholder), values: [value], user, guildId: GUILD, message: m }));
}

const declared = (h: Harness): Array<{ name: string; weight: number | null }> =>
  h.ctx.store.sqlite
    .prepare("SELECT m.name AS name, r.declared_weight AS weight FROM registrations r JOIN models m ON m.id = r.model_id WHERE r.discord_user_id = ? ORDER BY m.name")
    .all(USER) as Array<{ name: string; weight: number | null }>;

describe("explore in place", () => {
  let h: Harness;
  /** How far the bot's clock runs ahead of the real one (a test moves it to expire a view). */
  let shiftMs = 0;
  beforeAll(async () => {
    h = await startHarnessWithModels(commands, USER, ["alpha_one", "alpha_two", "beta_main"], { clock: () => new Date(Date.now() + shiftMs) });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it("a /correlation reply carries window buttons and a score menu marking the current choice, and links each model", async () => {
    const m = await replyIn(h, "correlation");
    const [windows, scores] = rows(m);
    expect(labels(windows)).toEqual(["last 20", "last 60", "last 120", "all resolved"]);
    expect(disabled(windows)).toEqual([false, false, false, true]);
    expect(selected(scores)).toEqual(["score"]);
    expect(text(m)).toContain("(https://numer.ai/alpha_one)");
    expect(limitViolations({ embeds: m.data.embeds, components: rows(m) })).toEqual([]);
  });

  it.each(["correlation", "contribution", "performance"])("the owner's window press on /%s edits the same message to the new window", async (name) => {
    const m = await replyIn(h, name);
    expect(text(m)).toMatch(/Rounds: all \d+ resolved rounds/);
    const handle = press(h, m, "last 60");
    const res = await callback(handle);
    expect(res.data.content ?? "").toBe("");
    expect(res.type).toBe(7);
    expect(handle.original?.id).toBe(m.id);
    expect(text(m)).toMatch(/Rounds: the last 60 resolved rounds \(\d+–\d+\)/);
    expect(disabled(rows(m)[0])).toEqual([false, true, false, false]);
  });

  it("the owner's score pick re-runs the analysis on that score, and the menu shows it", async () => {
    const m = await replyIn(h, "contribution");
    const res = await callback(pick(h, m, "Score", "canon_mmc"));
    expect(res.type).toBe(7);
    expect(JSON.stringify(m.data.embeds[0]?.footer)).toMatch(/canon_mmc/i);
    expect(selected(rows(m)[1])).toEqual(["canon_mmc"]);
  });

  it("refuses a score the menu does not offer, ephemerally, leaving the message", async () => {
    const m = await replyIn(h, "correlation");
    const before = JSON.stringify(m.data);
    const res = await callback(pick(h, m, "Score", "canon_tc"));
    expect(res.type).toBe(4);
    expect((res.data.flags ?? 0) & 64).toBe(64);
    expect(res.data.content).toMatch(/not one this view offers/);
    expect(JSON.stringify(m.data)).toBe(before);
  });

  it("a press whose window the analysis refuses answers ephemerally and leaves the message as it was", async () => {
    const m = await replyIn(h, "contribution");
    const before = JSON.stringify(m.data);
    // alpha_two lacks a round of the last 20 in the synthetic history: too few shared rounds.
    const res = await callback(press(h, m, "last 20"));
    expect(res.type).toBe(4);
    expect((res.data.flags ?? 0) & 64).toBe(64);
    expect(res.data.content).toMatch(/at least 20 are needed/);
    expect(JSON.stringify(m.data)).toBe(before);
  });

  it.each(["prune", "history"])("/%s links each model to numer.ai", async (name) => {
    const m = await replyIn(h, name);
    expect(text(m)).toContain("(https://numer.ai/alpha_two)");
    expect(limitViolations({ embeds: m.data.embeds })).toEqual([]);
  });

  it("another user's press is refused ephemerally and the message stays as it was", async () => {
    const m = await replyIn(h, "performance");
    const before = JSON.stringify(m.data);
    const res = await callback(press(h, m, "last 20", OTHER));
    expect(res.type).toBe(4);
    expect((res.data.flags ?? 0) & 64).toBe(64);
    expect(res.data.content).toMatch(/Only the person who ran this \/performance/);
    expect(JSON.stringify(m.data)).toBe(before);
  });

  it("a press after 15 minutes says the view expired and strips the components, keeping the answer", async () => {
    const m = await replyIn(h, "correlation");
    const answer = text(m);
    shiftMs = VIEW_LIFETIME_MS + 60_000;
    try {
      const handle = press(h, m, "last 60");
      const res = await callback(handle);
      expect(res.type).toBe(7);
      expect(res.data.components).toEqual([]);
      const followUp = (await handle.awaitCall((c) => c.kind === "followup", 30_000)).call.json as Sent;
      expect(followUp.content).toBe("This view has expired — run /correlation again.");
      expect((followUp.flags ?? 0) & 64).toBe(64);
      expect(rows(m)).toEqual([]);
      expect(text(m)).toBe(answer);
    } finally {
      shiftMs = 0;
    }
  });

  it("a reply asked for with a window the buttons do not offer carries links but no components", async () => {
    const m = await replyIn(h, "correlation", { rounds: 30 });
    expect(rows(m)).toEqual([]);
    expect(text(m)).toContain("(https://numer.ai/beta_main)");
  });

  it("/allocate offers a method menu; Use these weights asks first, and Cancel changes nothing", async () => {
    const before = declared(h);
    const m = await replyIn(h, "allocate");
    expect(rows(m).map((r) => labels(r)[0])).toEqual(["last 20", "Score", "Method"]);
    expect(selected(rows(m)[2])).toEqual(["all"]);
    expect(await callback(pick(h, m, "Method", "hrp"))).toMatchObject({ type: 7 });
    expect(selected(rows(m)[2])).toEqual(["hrp"]);
    expect(labels(rows(m)[3])).toEqual(["Use these weights"]);

    expect((await callback(press(h, m, "Use these weights"))).type).toBe(7);
    expect(m.data.embeds[0]?.title).toMatch(/Use the HRP weights/);
    expect(labels(rows(m)[0])).toEqual(["Confirm", "Cancel"]);
    expect(declared(h)).toEqual(before);

    // Someone else cannot confirm on the owner's behalf.
    expect((await callback(press(h, m, "Confirm", OTHER))).type).toBe(4);
    expect(declared(h)).toEqual(before);

    expect((await callback(press(h, m, "Cancel"))).type).toBe(7);
    expect(m.data.embeds[0]?.title).toMatch(/Allocation for your 3 models/);
    expect(declared(h)).toEqual(before);
  });

  it("Confirm after 15 minutes is refused as expired and stores nothing", async () => {
    const before = declared(h);
    const m = await replyIn(h, "allocate", { method: "equal" });
    await callback(press(h, m, "Use these weights"));
    shiftMs = VIEW_LIFETIME_MS + 1000;
    try {
      const handle = press(h, m, "Confirm");
      expect(await callback(handle)).toMatchObject({ type: 7, data: { components: [] } });
      const followUp = (await handle.awaitCall((c) => c.kind === "followup", 30_000)).call.json as Sent;
      expect(followUp.content).toBe("This view has expired — run /allocate again.");
      expect(declared(h)).toEqual(before);
    } finally {
      shiftMs = 0;
    }
  });

  it("Confirm stores the suggested weights in the database and says how to undo", async () => {
    const before = declared(h);
    expect(before.every((r) => r.weight === null)).toBe(true);
    const m = await replyIn(h, "allocate", { method: "min-variance" });
    await callback(press(h, m, "Use these weights"));
    const proposed = m.data.embeds[0]?.description ?? "";
    expect((await callback(press(h, m, "Confirm"))).type).toBe(7);
    const after = declared(h);
    expect(after.map((r) => r.name)).toEqual(["alpha_one", "alpha_two", "beta_main"]);
    expect(after.every((r) => r.weight !== null && r.weight >= 0)).toBe(true);
    expect(after.reduce((s, r) => s + (r.weight ?? 0), 0)).toBeCloseTo(1, 9);
    expect(m.data.embeds[0]?.title).toMatch(/Declared weights set to the min-var suggestion/);
    expect(text(m)).toContain('/models weight weights:"alpha_one=clear alpha_two=clear beta_main=clear"');
    expect(rows(m)).toEqual([]);
    expect(proposed).toContain("https://numer.ai/alpha_two");
    // The undo line puts back what was there.
    const undo = h.discord.sendInteraction(
      h.discord.chatInput({ guildId: GUILD, name: "models", subcommand: "weight", options: { weights: "alpha_one=clear alpha_two=clear beta_main=clear" }, user: USER }),
    );
    await undo.awaitEdit(1, 30_000);
    expect(declared(h)).toEqual(before);
  });
});

describe("long tables page with Previous / Next", () => {
  const names = Array.from({ length: TABLE_PAGE_SIZE + 5 }, (_, i) => `model_${String(i).padStart(2, "0")}`);
  let h: Harness;
  beforeAll(async () => {
    h = await startHarnessWithModels(commands, USER, names, { numeraiModels: names });
  }, 90_000);
  afterAll(async () => {
    await h?.close();
  });

  it.each(["performance", "contribution"])("/%s shows one page of the table, and Next / Previous move through it", async (name) => {
    const m = await replyIn(h, name);
    const pager = rows(m)[2];
    expect(labels(pager)).toEqual(["Previous", "page 1 of 2", "Next"]);
    expect(disabled(pager)).toEqual([true, true, false]);
    expect(text(m)).toMatch(new RegExp(`Models 1–${TABLE_PAGE_SIZE} of ${names.length}`));
    const firstPage = text(m);

    expect((await callback(press(h, m, "Next"))).type).toBe(7);
    expect(text(m)).toMatch(new RegExp(`Models ${TABLE_PAGE_SIZE + 1}–${names.length} of ${names.length}`));
    expect(labels(rows(m)[2])).toEqual(["Previous", "page 2 of 2", "Next"]);
    expect(disabled(rows(m)[2])).toEqual([false, true, true]);
    expect(limitViolations({ embeds: m.data.embeds, components: rows(m) })).toEqual([]);

    expect((await callback(press(h, m, "Previous"))).type).toBe(7);
    expect(text(m)).toBe(firstPage);
  });
});
