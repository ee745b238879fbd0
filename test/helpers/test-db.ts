import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
