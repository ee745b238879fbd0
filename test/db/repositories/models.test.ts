/**
 * Registration lookups against a real SQLite file: the right rows, and a plan that starts from the
 * user's registrations. Without that, SQLite walks every model of the tournament for one user's
 * handful of rows (models.ts, inTournament) — invisible in results, ~10× the time in a big store.
 */
import { describe, expect, it } from "vitest";
import { createModelRepository, createRegistrationRepository } from "../../../src/db/repositories/models.js";
import { testDbsPerTest } from "../../helpers/test-db.js";

const newDb = testDbsPerTest();

/** 300 models in tournament 8, one in tournament 11; user i registers models 3i, 3i+1, 3i+2 (in reverse). */
function setup() {
  const db = newDb();
  // Capture the SQL drizzle prepares, to ask SQLite how it runs it.
  const prepared: string[] = [];
  const prepare = db.sqlite.prepare.bind(db.sqlite);
  db.sqlite.prepare = ((source: string) => {
    prepared.push(source);
    return prepare(source);
  });
  const models = createModelRepository(db.db, 8);
  const regs = createRegistrationRepository(db.db, 8);
  for (let m = 0; m < 300; m++) models.upsertVerified(`id-${m}`, `model_${String(m).padStart(3, "0")}`);
  createModelRepository(db.db, 11).upsertVerified("id-signals", "model_001x");
  for (let u = 0; u < 100; u++) for (let k = 2; k >= 0; k--) regs.add(`user-${u}`, `id-${3 * u + k}`);
  regs.add("user-0", "id-signals");
  const plan = (source: string, ...params: unknown[]) =>
    (db.sqlite.prepare(`EXPLAIN QUERY PLAN ${source}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail);
  return { db, regs, prepared, plan };
}

describe("registration repository", () => {
  it("lists one user's models of the tournament by name, starting from the user's registrations", () => {
    const { regs, prepared, plan } = setup();
    const before = prepared.length;
    expect(regs.listForUser("user-0").map((r) => r.name)).toEqual(["model_000", "model_001", "model_002"]);
    expect(regs.listForUser("user-7").map((r) => r.id)).toEqual(["id-21", "id-22", "id-23"]);
    expect(regs.listForUser("nobody")).toEqual([]);
    // Prepared once, when the repository was made: find it by its shape.
    const source = prepared.slice(0, before).find((s) => /from "registrations"/.test(s) && /"discord_user_id" = \?/.test(s) && /order by/i.test(s)) as string;
    expect(source).toBeDefined();
    const steps = plan(source, "user-0", 8);
    expect(steps[0]).toMatch(/^SEARCH registrations USING (COVERING )?INDEX registrations_user_model_unique \(discord_user_id=\?\)/);
    expect(steps.join(" | ")).not.toMatch(/models_tournament_name_unique/);
  });

  it("lists several users' models, user by user, without walking the tournament's models", () => {
    const { regs, prepared, plan } = setup();
    const before = prepared.length;
    // A digest batch's worth of users: with a long IN list SQLite's guess flips to the models index.
    const users = Array.from({ length: 100 }, (_, u) => `user-${99 - u}`);
    const rows = regs.listForUsers(users);
    expect(rows).toHaveLength(300);
    expect(rows.slice(0, 4).map((r) => [r.discordUserId, r.name])).toEqual([
      ["user-0", "model_000"],
      ["user-0", "model_001"],
      ["user-0", "model_002"],
      ["user-1", "model_003"],
    ]);
    expect(rows.some((r) => r.id === "id-signals")).toBe(false);
    const source = prepared.slice(before).find((s) => /"discord_user_id" in \(/.test(s)) as string;
    expect(source).toBeDefined();
    const steps = plan(source, ...users, 8);
    expect(steps[0]).toMatch(/^SEARCH registrations USING (COVERING )?INDEX registrations_user_model_unique \(discord_user_id=\?\)/);
    expect(steps.join(" | ")).not.toMatch(/models_tournament_name_unique/);
  });
});
