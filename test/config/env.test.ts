import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/env.js";

describe("loadConfig", () => {
  it("applies the documented defaults to an empty environment", () => {
    const c = loadConfig({}, { createDirs: false });
    expect(c.databasePath.endsWith("data/modelfolio.db")).toBe(true);
    expect(c.numeraiApiUrl).toBe("https://api-tournament.numer.ai");
    expect(c.numeraiTournament).toBe(8);
    expect(c.numeraiConcurrency).toBe(4);
    expect(c.numeraiTimeoutMs).toBe(30000);
    expect(c.syncCron).toBe("17 6 * * *");
    expect(c.adminUserIds).toEqual([]);
    expect(c.discordToken).toBeUndefined();
    expect(c.seriesCacheRounds).toBeUndefined(); // the cache's own bound
    expect(c.renderWorkers).toBe(Math.min(availableParallelism(), 4));
    expect(loadConfig({ RENDER_WORKERS: "0" }, { createDirs: false }).renderWorkers).toBe(0);
  });

  it("takes the series cache's size in model-rounds, and refuses one that is not a whole number of 1,000 or more", () => {
    expect(loadConfig({ SERIES_CACHE_ROUNDS: "2000000" }, { createDirs: false }).seriesCacheRounds).toBe(2_000_000);
    expect(loadConfig({ SERIES_CACHE_ROUNDS: "" }, { createDirs: false }).seriesCacheRounds).toBeUndefined();
    for (const bad of ["lots", "500", "1.5e6x", "2500.5"]) {
      expect(() => loadConfig({ SERIES_CACHE_ROUNDS: bad }, { createDirs: false })).toThrow(/SERIES_CACHE_ROUNDS/);
    }
  });

  it("reports every problem at once, each with its variable's name", () => {
    let error: unknown;
    try {
      loadConfig(
        {
          NUMERAI_TOURNAMENT: "eight",
          NUMERAI_CONCURRENCY: "0",
          SYNC_CRON: "every day",
          LOG_LEVEL: "loud",
          ADMIN_USER_IDS: "123,abc",
          NUMERAI_API_URL: "not a url",
        },
        { createDirs: false },
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    for (const key of ["NUMERAI_TOURNAMENT", "NUMERAI_CONCURRENCY", "SYNC_CRON", "LOG_LEVEL", "ADMIN_USER_IDS", "NUMERAI_API_URL"]) {
      expect(problems).toContain(key);
    }
  });

  it("reports a Numerai public id without its secret together with the other bad fields, in one error", () => {
    let error: unknown;
    try {
      loadConfig({ NUMERAI_PUBLIC_ID: "pub", SYNC_CRON: "every day", DISCOURSE_URL: "https://forum.example", NUMERAI_TIMEOUT_MS: "5" }, { createDirs: false });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^NUMERAI_TIMEOUT_MS: /),
      "SYNC_CRON: is not a valid cron expression",
      "NUMERAI_PUBLIC_ID and NUMERAI_SECRET_KEY: set both or neither",
      "DISCOURSE_URL, DISCOURSE_API_KEY and DISCOURSE_CATEGORY: set all three to post digests to Discourse, or none",
    ]);
  });

  it("never echoes a value back in an error (it may be a secret)", () => {
    expect(() => loadConfig({ NUMERAI_PUBLIC_ID: "pub-only-SECRETISH" }, { createDirs: false })).toThrow(
      /NUMERAI_PUBLIC_ID and NUMERAI_SECRET_KEY: set both or neither/,
    );
    try {
      loadConfig({ NUMERAI_TIMEOUT_MS: "hunter2" }, { createDirs: false });
    } catch (e) {
      expect(String(e)).not.toContain("hunter2");
    }
  });

  it("parses a comma-separated admin list and treats empty strings as unset", () => {
    const c = loadConfig(
      { ADMIN_USER_IDS: " 123456789012345678 , 223456789012345678 ", DISCORD_TOKEN: "", DISCORD_DEV_GUILD_ID: "" },
      { createDirs: false },
    );
    expect(c.adminUserIds).toEqual(["123456789012345678", "223456789012345678"]);
    expect(c.discordToken).toBeUndefined();
    expect(c.discordDevGuildId).toBeUndefined();
  });
});
