#!/usr/bin/env node
// `npm start` (and `npm run start:sharded` with "src/sharded.ts"); bin/launch.js picks the
// compiled build or the sources.
import { importEntry } from "./launch.js";

await importEntry(process.argv[2] ?? "src/index.ts");
