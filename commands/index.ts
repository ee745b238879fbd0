/**
 * The static command registry, shared by the bot, the shell and the deploy script. Only
 * src/index.ts, src/shell and src/discord/deploy.ts import it. (commands/options.ts holds the
 * options several commands share; it is not a command.)
 */
import type { Command } from "../src/discord/command.js";
import { command as admin } from "./admin.js";
import { command as alerts } from "./alerts.js";
import { command as allocate } from "./allocate.js";
import { command as contribution } from "./contribution.js";
import { command as correlation } from "./correlation.js";
import { command as digest } from "./digest.js";
import { command as exportCommand } from "./export.js";
import { command as help } from "./help.js";
import { command as history } from "./history.js";
import { command as models } from "./models.js";
import { command as performance } from "./performance.js";
import { command as prune } from "./prune.js";
import { command as server } from "./server.js";
import { command as whatif } from "./whatif.js";

export const commands = [models, correlation, contribution, allocate, prune, whatif, performance, history, exportCommand, server, digest, alerts, help, admin] satisfies Command[];
