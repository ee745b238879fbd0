import { afterEach, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { loadConfig } from "../../src/config/env.js";
import { deployCommands } from "../../src/discord/deploy.js";
import { startFakeDiscord, type FakeDiscord } from "../helpers/fake-discord/index.js";

const GUILD = "400000000000000001";

describe("deployCommands", () => {
  let fake: FakeDiscord;
  afterEach(async () => fake?.close());

  it("registers every command to the dev guild, asking the API for the application id", async () => {
    fake = await startFakeDiscord({ guilds: [{ id: GUILD }] });
    const config = loadConfig({ DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.restBase, DISCORD_DEV_GUILD_ID: GUILD }, { createDirs: false });
    const lines: string[] = [];
    const res = await deployCommands(config, (l) => lines.push(l));
    expect(res.count).toBe(commands.length);
    expect(fake.callsTo("GET /applications/@me")).toHaveLength(1);
    const put = fake.calls.find((c) => c.method === "PUT");
    expect(put?.path).toBe(`/applications/${fake.applicationId}/guilds/${GUILD}/commands`);
    const names = (put?.json as Array<{ name: string; default_member_permissions?: string | null }>).map((c) => c.name);
    expect(names.sort()).toEqual(commands.map((c) => c.data.name).sort());
    const admin = (put?.json as Array<{ name: string; default_member_permissions?: string | null }>).find((c) => c.name === "admin");
    expect(admin?.default_member_permissions).toBe("32"); // Manage Server
    expect(lines[0]).toMatch(/Registered \d+ commands: guild/);
  });

  it("registers globally when no dev guild is set, with the configured application id", async () => {
    fake = await startFakeDiscord();
    const config = loadConfig({ DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.restBase, DISCORD_APPLICATION_ID: fake.applicationId }, { createDirs: false });
    await deployCommands(config, () => undefined);
    expect(fake.callsTo("GET /applications/@me")).toHaveLength(0);
    expect(fake.calls.find((c) => c.method === "PUT")?.path).toBe(`/applications/${fake.applicationId}/commands`);
  });
});
