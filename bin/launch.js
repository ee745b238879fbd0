// Loads an entry point compiled (dist/, built by `npm install`'s prepare step or `npm run build`)
// when the build is current, else the TypeScript source through tsx: compiling at run time costs
// seconds per start, and a stale build must never run code older than the checkout.
// Plain JavaScript so it runs before anything is built.
import "./check-node.js";
import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = new URL("../", import.meta.url);
const SOURCE_DIRS = ["src", "commands"];

function newestSourceMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    newest = Math.max(newest, statSync(`${entry.parentPath ?? entry.path}/${entry.name}`).mtimeMs);
  }
  return newest;
}

/** `true` when `root`/dist holds a build of `sourcePath` at least as new as every source file. */
export function isBuildCurrent(sourcePath, root = ROOT) {
  const compiled = fileURLToPath(new URL(`dist/${sourcePath.replace(/\.ts$/, ".js")}`, root));
  if (!existsSync(compiled)) return false;
  // tsc rewrites every output on a build, so the entry's mtime is the build's time.
  const built = statSync(compiled).mtimeMs;
  return SOURCE_DIRS.every((d) => newestSourceMtime(fileURLToPath(new URL(d, root))) <= built);
}

/** Imports `sourcePath` (e.g. "src/cli/main.ts"), compiled when the build is current. */
export async function importEntry(sourcePath) {
  if (isBuildCurrent(sourcePath)) {
    process.setSourceMapsEnabled(true);
    return import(new URL(`dist/${sourcePath.replace(/\.ts$/, ".js")}`, ROOT).href);
  }
  const { register } = await import("tsx/esm/api");
  register();
  return import(new URL(sourcePath, ROOT).href);
}
