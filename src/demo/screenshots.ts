/**
 * `npm run screenshots`: the README's pictures (docs/img/correlation.png, docs/img/contribution.png,
 * docs/img/history.png, docs/img/whatif.png) as the bot sends them. The demo is seeded into a throwaway database and
 * `/correlation`, `/contribution`, `/history` and `/whatif` run through the shell (the real router, services and renderers); the PNGs they
 * write are copied to docs/img, and the replies are printed so the README's caption can be checked.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../config/env.js";
import { openDatabase } from "../db/open.js";
import { SHELL_GUILD_ID, SHELL_USER_ID, startShellSession } from "../shell/session.js";
import { seedDemo } from "./seed.js";

/** Each README picture and the command whose chart it is. */
const PICTURES = [
  { file: "correlation.png", command: "/correlation" },
  { file: "contribution.png", command: "/contribution" },
  { file: "history.png", command: "/history" },
  { file: "whatif.png", command: "/whatif method:hrp" },
] as const;

const target = resolve(fileURLToPath(new URL("../../docs/img", import.meta.url)));
const dir = mkdtempSync(join(tmpdir(), "modelfolio-screenshots-"));
try {
  const databasePath = join(dir, "demo.db");
  const store = openDatabase(databasePath);
  seedDemo(store, { you: SHELL_USER_ID, friend: "100000000000000011", third: "100000000000000012", guildId: SHELL_GUILD_ID });
  store.close();

  let text = "";
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString("utf8");
      done();
    },
  });
  const input = new PassThrough();
  input.end(`${PICTURES.map((p) => p.command).join("\n")}\n`);
  const config = loadConfig({ DATABASE_PATH: databasePath, NUMERAI_API_URL: "http://127.0.0.1:9", LOG_LEVEL: "warn" }, { createDirs: false });
  await startShellSession(config, { interactive: false, input, output, outDir: join(dir, "out") });

  // The shell echoes each command as "> /command", then prints its reply.
  const replies = text.split(/^> /m).slice(1);
  mkdirSync(target, { recursive: true });
  PICTURES.forEach((p, i) => {
    const reply = replies[i] ?? "";
    const png = /\[file written: (.+\.png)\]/.exec(reply)?.[1];
    if (!reply.startsWith(p.command) || png === undefined) throw new Error(`${p.command} wrote no chart:\n${reply}`);
    copyFileSync(png, join(target, p.file));
    process.stdout.write(`${reply.trimEnd()}\n\n→ docs/img/${p.file}\n\n`);
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
