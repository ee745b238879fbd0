import { PassThrough, Writable } from "node:stream";
import { loadConfig } from "../../src/config/env.js";
import { startShellSession } from "../../src/shell/session.js";

/**
 * Pipes lines into the real shell (parser, router, renderers) on the database at `dbPath`, with
 * Numerai unreachable, and returns everything it printed.
 */
export async function pipeShell(dbPath: string, outDir: string, lines: string[]): Promise<string> {
  const input = new PassThrough();
  let text = "";
  const output = new Writable({
    write(chunk: Buffer, _e, done) {
      text += chunk.toString("utf8");
      done();
    },
  });
  input.end(`${lines.join("\n")}\n`);
  const config = loadConfig({ DATABASE_PATH: dbPath, NUMERAI_API_URL: "http://127.0.0.1:9", LOG_LEVEL: "silent" }, { createDirs: false });
  await startShellSession(config, { interactive: false, input, output, outDir });
  return text;
}
