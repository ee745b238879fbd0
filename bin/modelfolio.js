#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the bin works from a plain `npm install` without a build step.
import "./check-node.js";
import { register } from "tsx/esm/api";
register();
const { runCli } = await import("../src/cli/main.ts");
process.exitCode = await runCli(process.argv.slice(2));
