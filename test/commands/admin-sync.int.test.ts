/**
 * `/admin sync` through the real bot when Numerai fails for some or all models: the reply must
 * say what happened (never "finished" when nothing was saved) and the run is recorded as failed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { ADMIN, GUILD, USER, startHarness, type Harness } from "../helpers/bot-harness.js";

let h: Harness;
const MODELS = ["alpha_one", "alpha_two", "beta_main"];

beforeAll(async () => {
  h = await startHarness(commands);
  for (const name of MODELS) await h.ctx.services.registrations.add(USER, name);
});
afterAll(async () => {
  h.numerai.setFaults(undefined);
  await h?.close();
});

/** Runs /admin sync as the bot admin and returns the reply's final text once the summary is in. */
async function sync(): Promise<string> {
  const handle = h.discord.sendInteraction(h.discord.chatInput({ name: "admin", subcommand: "sync", user: ADMIN, guildId: GUILD }));
  // The reply is edited with progress first; the summary is the edit naming the run.
  await handle.awaitCall((c) => c.kind === "edit-original" && /Run \d+/.test(JSON.stringify(c.call.json)), 20_000);
  return handle.original?.data.content ?? "";
}
const lastRun = () => h.ctx.store.sqlite.prepare("select status, error from ingestion_runs where kind = 'sync' order by id desc limit 1").get() as { status: string; error: string | null };

describe("/admin sync", () => {
  it("says the sync failed, and why, when every model fails", async () => {
    // The current round answers; every model's scores answer HTTP 400 (not retried).
    h.numerai.setFaults({ rate: 1, kinds: ["400"], sequence: ["ok"] });
    const text = await sync();
    expect(text).not.toMatch(/finished/i);
    expect(text).toMatch(/^Sync up to round 1190 \*\*failed\*\*: none of the 3 models could be fetched, nothing was written\. Run \d+\./);
    for (const name of MODELS) expect(text).toContain(name.replace(/_/g, "\\_"));
    expect(text).toMatch(/HTTP 400/);
    expect(lastRun().status).toBe("failed");
  });

  it("gives the counts when some models fail and the others are saved", async () => {
    h.numerai.setFaults({ rate: 0, kinds: ["400"], sequence: ["ok", "400"] });
    const text = await sync();
    expect(text).toMatch(/^Sync up to round 1190 \*\*partly failed\*\*: 1 of 3 models failed; 2 saved, [\d,]+ score rows written\. Run \d+\./);
    expect(lastRun().status).toBe("failed");
  });

  it("says finished when every model is saved", async () => {
    h.numerai.setFaults(undefined);
    expect(await sync()).toMatch(/^Sync up to round 1190 finished: 3 models, [\d,]+ score rows written\. Run \d+\.$/);
    expect(lastRun().status).toBe("succeeded");
  });
});
