/** /export: the caller's stored scores as one CSV attachment, or why it could not be attached. */
import type { ExportFile } from "../../services/export.js";
import { bytes, int, nameList, plural } from "./format.js";
import { LIMITS, type MessagePayload } from "./payload.js";

export const EXPORT_FILE_NAME = "modelfolio-export.csv";

export function renderExport(r: ExportFile): MessagePayload {
  if (!r.fits) {
    return {
      content:
        `Your export of ${plural(r.models.length, "model")} is larger than the ${bytes(r.maxBytes)} Discord lets a bot attach. ` +
        `The CLI streams any size: whoever runs the bot can run \`modelfolio export --user ${r.userId} --out scores.csv\` next to its database.`,
    };
  }
  if (r.rows === 0) {
    return { content: `Your ${plural(r.models.length, "model")} (${nameList(r.models)}) ${r.models.length === 1 ? "has" : "have"} no stored scores yet; a new model's history arrives a little after \`/models add\`.` };
  }
  return {
    content:
      `${int(r.rows)} stored ${r.rows === 1 ? "score" : "scores"} of ${plural(r.models.length, "model")} (${nameList(r.models)}), one row per model, round and score name. ` +
      "`source` says whether the round came from Numerai or an import; the file re-imports with `modelfolio import`.",
    files: [{ name: EXPORT_FILE_NAME, data: r.data, description: `Every stored score of ${plural(r.models.length, "model")}` }],
  };
}

/** The largest attachment /export builds when Discord did not say (its default per-message upload limit for bots). */
export const EXPORT_MAX_BYTES = LIMITS.fileBytes;
