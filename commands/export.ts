/** /export: every stored score of the caller's models as a CSV attachment. */
import { defineCommand } from "../src/discord/command.js";
import { EXPORT_MAX_BYTES, renderExport } from "../src/discord/render/export.js";

export const command = defineCommand({
  definition: { name: "export", description: "Every stored round of your models (scores, multipliers, payouts) as a CSV file" },
  async execute({ caller, respond }, ctx) {
    // Personal data, and possibly a large file: always private.
    await respond.defer({ ephemeral: true });
    const maxBytes = caller.attachmentSizeLimit ?? EXPORT_MAX_BYTES;
    await respond.edit(renderExport(ctx.services.exporter.file(caller.userId, maxBytes)));
  },
});
