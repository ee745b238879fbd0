/**
 * /models with several models at once (issue 11 item 3): a whole Numerai account, lists of names,
 * removing several. Real discord.js against the stand-in Discord and Numerai, a real SQLite file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { GUILD, USER, startHarness, type Harness } from "../helpers/bot-harness.js";
import type { InteractionHandle } from "../helpers/fake-discord/index.js";

let h: Harness;
const ACCOUNT = "acme_labs";

beforeAll(async () => {
  h = await startHarness(commands, { accounts: { alpha_one: ACCOUNT, alpha_two: ACCOUNT, alpha_three: ACCOUNT, beta_main: "someone_else" } });
});
afterAll(async () => {
  await h?.close();
});

const run = (input: Parameters<Harness["discord"]["chatInput"]>[0]) => h.discord.sendInteraction(h.discord.chatInput({ guildId: GUILD, ...input }));
const textOf = (handle: InteractionHandle) => handle.original?.data.content ?? "";
const mine = () => h.ctx.services.registrations.list(USER).map((r) => r.name);
const scoreRows = (name: string) =>
  (h.ctx.store.sqlite.prepare("select count(*) n from scores s join models m on m.id = s.model_id where m.name = ?").get(name) as { n: number }).n;

describe("/models add account:", () => {
  it("registers every model of the account and fetches their history in one reply edited as it goes", async () => {
    const handle = run({ name: "models", subcommand: "add", options: { account: ACCOUNT }, user: USER });
    await handle.awaitCall((c) => c.kind === "edit-original" && /History fetched/.test(JSON.stringify(c.call.json)), 30_000);
    expect(textOf(handle)).toMatch(/Added 3 models of the Numerai account \*\*acme\\_labs\*\*/);
    expect(textOf(handle)).toMatch(/History fetched: 3\/3 models/);
    // One progress message: the reply itself, edited; no follow-ups.
    expect(handle.calls.filter((c) => c.kind === "followup")).toHaveLength(0);
    expect(mine()).toEqual(["alpha_one", "alpha_three", "alpha_two"]);
    for (const name of mine()) expect(scoreRows(name)).toBeGreaterThan(100);
    const asked = h.numerai.requests.filter((r) => r.field === "accountProfile");
    expect(asked).toHaveLength(1);
    expect((asked[0]?.body as { variables: unknown }).variables).toEqual({ username: ACCOUNT, tournament: 8 });
  });

  it('answers "no Numerai account called X" and changes nothing', async () => {
    const before = mine();
    const handle = run({ name: "models", subcommand: "add", options: { account: "nobody_here" }, user: USER });
    await handle.awaitEdit(1, 15_000);
    expect(textOf(handle)).toMatch(/no Numerai account called nobody_here/);
    expect(mine()).toEqual(before);
  });

  it("refuses name and account together, and neither", async () => {
    for (const options of [{ name: "beta_main", account: ACCOUNT }, {}]) {
      const handle = run({ name: "models", subcommand: "add", options, user: USER });
      await handle.awaitEdit(1, 15_000);
      expect(textOf(handle)).toMatch(/Give either name .* or account/);
    }
  });
});

describe("several names at once", () => {
  it("adds a list, saying which were already tracked", async () => {
    const handle = run({ name: "models", subcommand: "add", options: { name: "alpha_one beta_main" }, user: USER });
    await handle.awaitCall((c) => c.kind === "edit-original" && /History fetched/.test(JSON.stringify(c.call.json)), 30_000);
    expect(textOf(handle)).toMatch(/Added 1 model: beta\\_main/);
    expect(textOf(handle)).toMatch(/Already tracked: alpha\\_one/);
    expect(mine()).toContain("beta_main");
  });

  it("removes several; one that is not yours refuses them all", async () => {
    const refused = run({ name: "models", subcommand: "remove", options: { model: "alpha_three gamma_x" }, user: USER });
    await refused.awaitEdit(1, 15_000);
    expect(textOf(refused)).toMatch(/You have no model called gamma_x/);
    expect(mine()).toContain("alpha_three");

    const handle = run({ name: "models", subcommand: "remove", options: { model: "alpha_one, alpha_two" }, user: USER });
    await handle.awaitEdit(1, 15_000);
    expect(textOf(handle)).toMatch(/Removed alpha\\_one, alpha\\_two/);
    expect(mine()).toEqual(["alpha_three", "beta_main"]);
  });
});
