#!/usr/bin/env node
// Refuses, in one line, a Node older than package.json's engines.node (undici 7 needs 20.18.1,
// process.loadEnvFile 20.12): better than a stack trace from deep inside a dependency.
// Plain JavaScript with no dependency, so it runs on the Node it refuses.
import { readFileSync } from "node:fs";

const wanted = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).engines.node;
const min = /^>=\s*(\d+)\.(\d+)\.(\d+)$/.exec(wanted);
if (!min) throw new Error(`package.json engines.node must read ">=X.Y.Z", not ${wanted}`);
const have = process.versions.node.split(".").map(Number);
const need = min.slice(1).map(Number);
const older = have[0] !== need[0] ? have[0] < need[0] : have[1] !== need[1] ? have[1] < need[1] : have[2] < need[2];
if (older) {
  process.stderr.write(`modelfolio needs Node ${need.join(".")} or newer (package.json engines.node); this is Node ${process.versions.node}.\n`);
  process.exit(1);
}
