import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { openDatabase, type Store } from "../../src/db/open.js";

/** A real SQLite file in a fresh temp folder, with the real migrations applied. */
export function makeTestDb(): Store & { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "modelfolio-test-"));
  const store = openDatabase(join(dir, "test.db"));
  return {
    ...store,
    dir,
    cleanup() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `makeTestDb` for one test file: every store it makes is closed and deleted after the test that
 * made it. Call at the top level of the file.
 */
export function testDbsPerTest(): () => ReturnType<typeof makeTestDb> {
  const dbs: Array<ReturnType<typeof makeTestDb>> = [];
  afterEach(() => {
    for (const db of dbs.splice(0)) db.cleanup();
  });
  return () => {
    const db = makeTestDb();
    dbs.push(db);
    return db;
  };
}
