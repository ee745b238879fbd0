/** /export: every stored score of the caller's models as a CSV attachment. */
import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { EXPORT_MAX_BYTES, renderExport } from "../src/discord/render/export.js";

const data = new SlashCommandBuilder()
  .setName("export")
  .setDescription("Every stored round of your models (scores, multipliers, payouts) as a CSV file");

export const command: Command = {
  data,
  async execute({ caller, respond }, ctx) {
    // Personal data, and possibly a large file: always private.
    await respond.defer({ ephemeral: true });
    const maxBytes = caller.attachmentSizeLimit ?? EXPORT_MAX_BYTES;
    await respond.edit(renderExport(ctx.services.exporter.file(caller.userId, maxBytes)));
  },
};
