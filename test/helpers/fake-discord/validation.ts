/**
 * The subset of Discord's request validation a bot most often trips over, answered in Discord's
 * own error shapes (code 50035 "Invalid Form Body" with a nested `errors` tree, 50006 for empty
 * messages). Limits: https://discord.com/developers/docs/resources/message#create-message and
 * https://discord.com/developers/docs/resources/message#embed-object-embed-limits
 */

export interface FieldError {
  readonly code: string;
  readonly message: string;
}

/** `{ content: { _errors: [...] }, embeds: { "0": { title: { _errors: [...] } } } }` */
export interface ErrorTree {
  [key: string]: ErrorTree | FieldError[];
}

export interface DiscordErrorBody {
  readonly code: number;
  readonly message: string;
  readonly errors?: ErrorTree;
}

export const MESSAGE_CONTENT_MAX = 2000;
export const EMBEDS_MAX = 10;
export const EMBED_TOTAL_MAX = 6000;
export const AUTOCOMPLETE_CHOICES_MAX = 25;
export const NONCE_MAX = 25;

const EMBED_FIELD_LIMITS: readonly (readonly [path: readonly string[], max: number])[] = [
  [["title"], 256],
  [["description"], 4096],
  [["footer", "text"], 2048],
  [["author", "name"], 256],
];

class ErrorCollector {
  readonly tree: ErrorTree = {};
  add(path: readonly (string | number)[], error: FieldError): void {
    let node = this.tree;
    for (const key of path.map(String)) {
      const next = node[key];
      if (next === undefined || Array.isArray(next)) {
        const created: ErrorTree = {};
        node[key] = created;
        node = created;
      } else {
        node = next;
      }
    }
    const existing = node._errors;
    if (Array.isArray(existing)) existing.push(error);
    else node._errors = [error];
  }
  get empty(): boolean {
    return Object.keys(this.tree).length === 0;
  }
}

function maxLength(max: number): FieldError {
  return { code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${max} or fewer in length.` };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringAt(value: unknown, path: readonly string[]): string | undefined {
  let node: unknown = value;
  for (const key of path) node = isRecord(node) ? node[key] : undefined;
  return typeof node === "string" ? node : undefined;
}

function embedLength(embed: Record<string, unknown>): number {
  let total = 0;
  for (const [path] of EMBED_FIELD_LIMITS) total += stringAt(embed, path)?.length ?? 0;
  const fields = Array.isArray(embed.fields) ? (embed.fields as unknown[]) : [];
  for (const field of fields) {
    total += (stringAt(field, ["name"])?.length ?? 0) + (stringAt(field, ["value"])?.length ?? 0);
  }
  return total;
}

function validateEmbeds(embeds: unknown, prefix: readonly string[], errors: ErrorCollector): void {
  if (embeds === undefined || embeds === null) return;
  if (!Array.isArray(embeds)) {
    errors.add([...prefix, "embeds"], { code: "BASE_TYPE_ARRAY", message: "Must be an array." });
    return;
  }
  if (embeds.length > EMBEDS_MAX) errors.add([...prefix, "embeds"], maxLength(EMBEDS_MAX));
  let total = 0;
  embeds.forEach((embed: unknown, index) => {
    if (!isRecord(embed)) return;
    for (const [path, max] of EMBED_FIELD_LIMITS) {
      const value = stringAt(embed, path);
      if (value !== undefined && value.length > max) errors.add([...prefix, "embeds", index, ...path], maxLength(max));
    }
    const fields = Array.isArray(embed.fields) ? (embed.fields as unknown[]) : [];
    if (fields.length > 25) errors.add([...prefix, "embeds", index, "fields"], maxLength(25));
    fields.forEach((field, fieldIndex) => {
      const name = stringAt(field, ["name"]);
      const value = stringAt(field, ["value"]);
      const at = [...prefix, "embeds", index, "fields", fieldIndex];
      if (name === undefined || name.length === 0) errors.add([...at, "name"], { code: "BASE_TYPE_REQUIRED", message: "This field is required" });
      else if (name.length > 256) errors.add([...at, "name"], maxLength(256));
      if (value === undefined || value.length === 0) errors.add([...at, "value"], { code: "BASE_TYPE_REQUIRED", message: "This field is required" });
      else if (value.length > 1024) errors.add([...at, "value"], maxLength(1024));
    });
    total += embedLength(embed);
  });
  if (total > EMBED_TOTAL_MAX) {
    errors.add([...prefix, "embeds"], { code: "MAX_EMBED_SIZE_EXCEEDED", message: `Embed size exceeds maximum size of ${EMBED_TOTAL_MAX}` });
  }
}

function invalidFormBody(errors: ErrorTree): DiscordErrorBody {
  return { code: 50035, message: "Invalid Form Body", errors };
}

/**
 * Validates a message create/edit body. `fileCount` counts uploaded files; `creating` turns on the
 * empty-message check (edits may legitimately send only some fields).
 * @returns null when Discord would accept the body, else the error body it would answer with
 */
export function validateMessageBody(
  body: unknown,
  options: { readonly fileCount: number; readonly creating: boolean; readonly keptAttachments?: number; readonly prefix?: readonly string[] },
): DiscordErrorBody | null {
  const prefix = options.prefix ?? [];
  const errors = new ErrorCollector();
  const message = isRecord(body) ? body : {};
  const content: unknown = message.content;
  if (content !== undefined && content !== null && typeof content !== "string") {
    errors.add([...prefix, "content"], { code: "BASE_TYPE_STRING", message: "Must be a string." });
  } else if (typeof content === "string" && content.length > MESSAGE_CONTENT_MAX) {
    errors.add([...prefix, "content"], maxLength(MESSAGE_CONTENT_MAX));
  }
  validateEmbeds(message.embeds, prefix, errors);
  const nonce: unknown = message.nonce;
  if (typeof nonce === "string" && nonce.length > NONCE_MAX) errors.add([...prefix, "nonce"], maxLength(NONCE_MAX));
  const components: unknown = message.components;
  if (Array.isArray(components) && components.length > 5 && ((Number(message.flags) || 0) & (1 << 15)) === 0) {
    errors.add([...prefix, "components"], maxLength(5));
  }
  if (!errors.empty) return invalidFormBody(errors.tree);
  if (options.creating) {
    const hasContent = typeof content === "string" && content.length > 0;
    const hasEmbeds = Array.isArray(message.embeds) && message.embeds.length > 0;
    const hasComponents = Array.isArray(components) && components.length > 0;
    const hasOther = Array.isArray(message.sticker_ids) && message.sticker_ids.length > 0;
    const hasPoll = isRecord(message.poll);
    const hasFiles = options.fileCount + (options.keptAttachments ?? 0) > 0;
    if (!hasContent && !hasEmbeds && !hasComponents && !hasOther && !hasPoll && !hasFiles) {
      return { code: 50006, message: "Cannot send an empty message" };
    }
  }
  return null;
}

/** Validates an autocomplete result (callback type 8) `data`. */
export function validateAutocompleteData(data: unknown): DiscordErrorBody | null {
  const errors = new ErrorCollector();
  const choices = isRecord(data) ? data.choices : undefined;
  if (!Array.isArray(choices)) {
    errors.add(["data", "choices"], { code: "BASE_TYPE_REQUIRED", message: "This field is required" });
    return invalidFormBody(errors.tree);
  }
  if (choices.length > AUTOCOMPLETE_CHOICES_MAX) errors.add(["data", "choices"], maxLength(AUTOCOMPLETE_CHOICES_MAX));
  choices.forEach((choice: unknown, index) => {
    const name = stringAt(choice, ["name"]);
    if (name === undefined || name.length < 1 || name.length > 100) {
      errors.add(["data", "choices", index, "name"], { code: "BASE_TYPE_BAD_LENGTH", message: "Must be between 1 and 100 in length." });
    }
    const value = isRecord(choice) ? choice.value : undefined;
    if (typeof value === "string" && value.length > 100) errors.add(["data", "choices", index, "value"], maxLength(100));
    if (value === undefined) errors.add(["data", "choices", index, "value"], { code: "BASE_TYPE_REQUIRED", message: "This field is required" });
  });
  return errors.empty ? null : invalidFormBody(errors.tree);
}
