/**
 * /admin backfill | sync | import | status | backup — each acts on the store every guild shares,
 * so each needs the trust REQUIRED_TRUST (src/discord/trust.ts) names: a bot admin
 * (ADMIN_USER_IDS). Discord hides the command from members without Manage Server, but that is
 * only a default a server can change (and anyone can own a server), so the check runs here, on
 * the server side, before any work, and the router logs every refusal. Answers are always ephemeral.
 */
import { ApplicationCommandOptionType, InteractionContextType, PermissionFlagsBits } from "discord.js";
import { defineCommand, type BotContext, type Caller, type Responder } from "../src/discord/command.js";
import {
  renderBackfillDone,
  renderBackfillProgress,
  renderBackup,
  renderImportDone,
  renderStatus,
  renderSyncDone,
  renderSyncProgress,
} from "../src/discord/render/admin.js";
import type { MessagePayload } from "../src/discord/render/payload.js";
import { hasTrust, requireTrust, requiredTrust } from "../src/discord/trust.js";
import { UserFacingError } from "../src/errors.js";
import type { Progress } from "../src/services/ingestion.js";
import { MAX_SCORE_NAME } from "./options.js";

/** Largest CSV /admin import accepts. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
/** Discord rate-limits edits; one every few seconds is plenty for a progress line. */
const PROGRESS_EDIT_MS = 3000;
/** Content types browsers and OSes send for .csv files (Windows says vnd.ms-excel). */
const CSV_CONTENT_TYPES = ["text/csv", "text/plain", "application/csv", "application/vnd.ms-excel", "text/comma-separated-values"];

function requireAdmin(caller: Caller, sub: string): void {
  // Discord offers /admin only in servers (setContexts), but that is the client's side; a bot admin in DMs is refused too.
  if (caller.guildId === null) throw new UserFacingError("/admin works inside a server, not in direct messages.");
  requireTrust(caller, `admin ${sub}`);
}

/** Edits the reply with the latest progress at most every PROGRESS_EDIT_MS; `settle` waits for the last edit. */
function progressReporter(respond: Responder, render: (p: Progress) => MessagePayload, ctx: BotContext) {
  let last = Date.now();
  let pending: Promise<void> = Promise.resolve();
  return {
    onProgress: (p: Progress): void => {
      const now = Date.now();
      if (now - last < PROGRESS_EDIT_MS) return;
      last = now;
      pending = pending
        .then(() => respond.edit(render(p)))
        .catch((err: unknown) => ctx.logger.warn({ err }, "progress edit failed"));
    },
    settle: () => pending,
  };
}

function isCsv(name: string, contentType: string | null): boolean {
  if (!/\.csv$/i.test(name)) return false;
  if (contentType === null) return true;
  const type = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  return CSV_CONTENT_TYPES.includes(type);
}

export const command = defineCommand({
  definition: {
    name: "admin",
    description: "Operate the bot's score store (bot admins)",
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
    contexts: [InteractionContextType.Guild],
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "backfill",
        description: "Fetch scores for a range of rounds (resumes an interrupted run with the same arguments)",
        options: [
          { type: ApplicationCommandOptionType.Integer, name: "from", description: "First round", required: true, min_value: 1, max_value: 1_000_000 },
          { type: ApplicationCommandOptionType.Integer, name: "to", description: "Last round", required: true, min_value: 1, max_value: 1_000_000 },
          { type: ApplicationCommandOptionType.String, name: "model", description: "One model (default: every registered model)", max_length: 64, autocomplete: true },
        ],
      },
      { type: ApplicationCommandOptionType.Subcommand, name: "sync", description: "Fetch recent rounds for every registered model now" },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "import",
        description: "Import scores from a CSV file (all or nothing)",
        options: [
          { type: ApplicationCommandOptionType.Attachment, name: "file", description: "A .csv file, at most 20 MB", required: true },
          { type: ApplicationCommandOptionType.String, name: "score", description: "Score name of the values in a wide CSV (e.g. canon_corr)", max_length: MAX_SCORE_NAME },
        ],
      },
      { type: ApplicationCommandOptionType.Subcommand, name: "status", description: "Database size, rows, last sync, next runs, recent failures" },
      { type: ApplicationCommandOptionType.Subcommand, name: "backup", description: "Copy the database to a timestamped file next to it" },
    ],
  },
  lane: { status: "quick" },
  async execute({ args, caller, respond }, ctx) {
    requireAdmin(caller, args.subcommand);
    const log = ctx.logger.child({ module: "admin", userId: caller.userId, guildId: caller.guildId });
    switch (args.subcommand) {
      case "backfill": {
        const { from, to, model } = args;
        log.info({ action: "backfill", from, to, model: model ?? "all" }, "admin action");
        await respond.defer({ ephemeral: true });
        await respond.edit(renderBackfillProgress(from, to, null));
        const progress = progressReporter(respond, (p) => renderBackfillProgress(from, to, p), ctx);
        // A late progress edit must never overwrite the summary or the error reply.
        const result = await ctx.services.ingestion
          .backfill({ from, to, modelName: model, requestedBy: caller.userId, onProgress: progress.onProgress })
          .finally(progress.settle);
        await respond.edit(renderBackfillDone(result));
        return;
      }
      case "sync": {
        log.info({ action: "sync" }, "admin action");
        await respond.defer({ ephemeral: true });
        await respond.edit(renderSyncProgress(null));
        const progress = progressReporter(respond, renderSyncProgress, ctx);
        const result = await ctx.services.ingestion
          .sync({ requestedBy: caller.userId, onProgress: progress.onProgress })
          .finally(progress.settle);
        await respond.edit(renderSyncDone(result));
        return;
      }
      case "import": {
        const { file, score } = args;
        if (!isCsv(file.name, file.contentType)) throw new UserFacingError("Only .csv files can be imported.");
        if (file.size > MAX_IMPORT_BYTES) throw new UserFacingError("That file is larger than 20 MB; split it into smaller files.");
        log.info({ action: "import", file: file.name, bytes: file.size, score }, "admin action");
        await respond.defer({ ephemeral: true });
        const bytes = await ctx.fetchAttachment(file, MAX_IMPORT_BYTES);
        let text: string;
        try {
          text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
        } catch {
          throw new UserFacingError("Import rejected, nothing was written: the file is not UTF-8 text.");
        }
        const result = ctx.services.ingestion.importCsv({ text, scoreName: score, requestedBy: caller.userId, fileName: file.name });
        await respond.edit(renderImportDone(result, file.name));
        return;
      }
      case "status": {
        log.info({ action: "status" }, "admin action");
        await respond.defer({ ephemeral: true });
        const status = ctx.services.admin.status();
        await respond.edit(renderStatus(status, ctx.nextRuns?.() ?? null));
        return;
      }
      case "backup": {
        log.info({ action: "backup" }, "admin action");
        await respond.defer({ ephemeral: true });
        const result = await ctx.services.admin.backup(caller.userId);
        await respond.edit(renderBackup(result));
        return;
      }
    }
  },
  autocomplete(input, ctx) {
    if (!hasTrust(input.caller, requiredTrust("admin backfill")) || input.focused.name !== "model") return [];
    return ctx.services.registrations.suggestKnown(input.focused.value).map((n) => ({ name: n, value: n }));
  },
});
