/**
 * /whatif through the router: real discord.js against the stand-in Discord and Numerai, a real
 * SQLite file. The chart is read from the upload the stand-in Discord received; refusals are
 * ephemeral and leave the store as it was.
 */
import { MessageFlags } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { WHAT_IF_FILE_NAME } from "../../src/discord/render/what-if.js";
import { readPngHeader } from "../discord/render/charts/decode-png.js";
import { createStoreWatch } from "../helpers/db-fingerprint.js";
import { GUILD, OTHER, USER, startHarnessWithModels, type Harness } from "../helpers/bot-harness.js";
import type { InteractionHandle } from "../helpers/fake-discord/index.js";

let h: Harness;
let watch: ReturnType<typeof createStoreWatch>;
beforeAll(async () => {
  h = await startHarnessWithModels(commands, USER, ["alpha_one", "alpha_two", "beta_main"]);
  watch = createStoreWatch(h.ctx.store.sqlite);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const run = (user: string, options: Record<string, string | number | boolean> = {}) =>
  h.discord.sendInteraction(h.discord.chatInput({ guildId: GUILD, name: "whatif", user, options }));
const finalEdit = async (handle: InteractionHandle) => (await handle.awaitCall((c) => c.kind === "edit-original", 15_000)).call;
const embedOf = (handle: InteractionHandle) => handle.original?.data.embeds?.[0];

/** Runs a refused /whatif: the reply is ephemeral, carries `message`, and the store is unchanged. */
async function expectRefusal(options: Record<string, string | number | boolean>, message: RegExp) {
  const before = watch.snapshot();
  const handle = run(USER, options);
  await finalEdit(handle);
  expect(JSON.stringify(handle.original?.data)).toMatch(message);
  expect(handle.original?.data.flags).toBe(MessageFlags.Ephemeral);
  expect(handle.original?.data.attachments ?? []).toEqual([]);
  expect(watch.differenceFrom(before)).toBeNull();
}

describe("/whatif", () => {
  it("answers privately with the chart, the figures the service computes, the stated normalisation and the payout simulation", async () => {
    const handle = run(USER, { weights: "alpha_one=2 alpha_two=1 beta_main=1" });
    expect((await handle.awaitResponse()).call.json).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
    const edit = await finalEdit(handle);
    const png = edit.files.find((f) => f.name === WHAT_IF_FILE_NAME);
    expect(png?.contentType).toBe("image/png");
    expect(readPngHeader(png!.bytes).width).toBe(800);
    const expected = h.ctx.services.whatIf.whatIf({ userId: USER }, { proposal: { weights: "alpha_one=2 alpha_two=1 beta_main=1" } });
    expect(Array.from(expected.proposed.weights)).toEqual(expected.names.map((n) => (n === "alpha_one" ? 0.5 : 0.25)));
    const embed = embedOf(handle);
    expect(embed?.image?.url).toBe(`attachment://${WHAT_IF_FILE_NAME}`);
    expect(embed?.description).toContain("Your shares added up to 400.0%, so each was divided by that sum.");
    expect(embed?.description).toMatch(new RegExp(`in: proposed +${expected.inSample.proposed.mean.toFixed(4)} +${expected.inSample.proposed.sharpe.toFixed(2)}`));
    expect(embed?.description).toMatch(new RegExp(`out: proposed +${expected.oos!.proposed!.mean.toFixed(4)} +${expected.oos!.proposed!.sharpe.toFixed(2)}`));
    expect(embed?.description).toContain(expected.caveat);
    const payout = (embed?.fields ?? []).filter((f) => f.name.startsWith("Payout rules") || f.name === "What the simulation is").map((f) => f.value).join("\n");
    expect(payout).toContain("Simulation, not a Numerai rule");
    expect(payout).toMatch(/today +1\.5× +2× +2\.5× +3× +ΔSR/);
    expect(handle.original?.data.flags).toBe(MessageFlags.Ephemeral);
  });

  it("compares a method's suggestion, refitted out of sample, with the current weights", async () => {
    const handle = run(USER, { method: "min-variance" });
    await finalEdit(handle);
    const expected = h.ctx.services.whatIf.whatIf({ userId: USER }, { proposal: { method: "min-variance" } });
    expect(expected.label).toBe("min-variance's suggestion");
    expect(expected.oos?.proposed?.rounds).toBeGreaterThan(0);
    expect(embedOf(handle)?.description).toContain("**min-variance's suggestion** against your current weights");
    expect(embedOf(handle)?.description).toContain("the method refitted every 20 rounds on resolved rounds only");
  });

  it("refuses an unknown model privately, listing the user's models, and changes nothing", async () => {
    await expectRefusal({ weights: "alpha_one=0.5 nosuch=0.5" }, /You have no model called nosuch\. Your models: alpha_one, alpha_two, beta_main\./);
  });

  it("refuses weights that are not name=share, privately, and changes nothing", async () => {
    await expectRefusal({ weights: "alpha_one:0.5" }, /\\"alpha_one:0\.5\\" is not name=share/);
    await expectRefusal({ weights: "alpha_one=lots" }, /The weight of alpha_one must be a number such as 0\.3 or 30%/);
  });

  it("refuses negative weights privately and changes nothing", async () => {
    await expectRefusal({ weights: "alpha_one=-0.5 alpha_two=1.5" }, /The weight of alpha_one is negative \(-0\.5\); weights are long-only/);
  });

  it("refuses both or neither of weights and method", async () => {
    await expectRefusal({}, /Give either weights/);
    await expectRefusal({ weights: "alpha_one=1", method: "hrp" }, /Give either weights/);
  });

  it("tells a user without models to add one", async () => {
    const handle = run(OTHER, { method: "hrp" });
    await finalEdit(handle);
    expect(JSON.stringify(handle.original?.data)).toContain("You have no models yet. Add one with /models add.");
  });
});
