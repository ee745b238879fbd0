#!/usr/bin/env node
// The `modelfolio` CLI; bin/launch.js picks the compiled build or the sources.
import { importEntry } from "./launch.js";

const { runCli } = await importEntry("src/cli/main.ts");
process.exitCode = await runCli(process.argv.slice(2));
