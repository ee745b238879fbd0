import type { APIActionRowComponent, APIComponentInMessageActionRow, APIEmbed } from "discord.js";

/** A message as the renderers produce it: plain data, no discord.js builders. */
export interface FileAttachment {
  readonly name: string;
  readonly data: Buffer;
  readonly description?: string;
}

export interface MessagePayload {
  readonly content?: string;
  readonly embeds?: readonly APIEmbed[];
  readonly files?: readonly FileAttachment[];
  /**
   * Explore buttons / select menus (Discord only; the shell prints none). Absent leaves a
   * message's components as they are; `[]` removes them.
   */
  readonly components?: readonly APIActionRowComponent<APIComponentInMessageActionRow>[];
}

/** Discord's limits (discord.com/developers/docs/resources/message#create-message, embed limits). */
export const LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  embedTotal: 6000,
  files: 10,
  actionRows: 5,
  buttonsPerRow: 5,
  selectOptions: 25,
  customId: 100,
  buttonLabel: 80,
  /** Default upload limit for bots without boosts: 10 MiB per message. */
  fileBytes: 10 * 1024 * 1024,
} as const;

/** Cuts text to `max` characters with an ellipsis, never splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}…`;
}

function embedLength(e: APIEmbed): number {
  return (
    (e.title?.length ?? 0) +
    (e.description?.length ?? 0) +
    (e.footer?.text.length ?? 0) +
    (e.author?.name.length ?? 0) +
    (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

/** Every limit a payload must respect; the list of violations (empty = valid). Used by tests and as a last guard. */
export function limitViolations(p: MessagePayload): string[] {
  const v: string[] = [];
  if ((p.content?.length ?? 0) > LIMITS.content) v.push(`content ${p.content?.length} > ${LIMITS.content}`);
  const embeds = p.embeds ?? [];
  if (embeds.length > LIMITS.embeds) v.push(`${embeds.length} embeds`);
  let total = 0;
  for (const e of embeds) {
    if ((e.title?.length ?? 0) > LIMITS.embedTitle) v.push("embed title too long");
    if ((e.description?.length ?? 0) > LIMITS.embedDescription) v.push("embed description too long");
    if ((e.fields?.length ?? 0) > LIMITS.embedFields) v.push("too many embed fields");
    for (const f of e.fields ?? []) {
      if (f.name.length > LIMITS.fieldName || f.name.length === 0) v.push(`field name length ${f.name.length}`);
      if (f.value.length > LIMITS.fieldValue || f.value.length === 0) v.push(`field value length ${f.value.length}`);
    }
    if ((e.footer?.text.length ?? 0) > LIMITS.footer) v.push("footer too long");
    total += embedLength(e);
  }
  if (total > LIMITS.embedTotal) v.push(`embeds total ${total} > ${LIMITS.embedTotal}`);
  const files = p.files ?? [];
  if (files.length > LIMITS.files) v.push(`${files.length} files`);
  const bytes = files.reduce((n, f) => n + f.data.length, 0);
  if (bytes > LIMITS.fileBytes) v.push(`files total ${bytes} bytes`);
  const rows = p.components ?? [];
  if (rows.length > LIMITS.actionRows) v.push(`${rows.length} action rows`);
  const ids = new Set<string>();
  for (const row of rows) {
    if (row.components.length > LIMITS.buttonsPerRow) v.push(`${row.components.length} components in a row`);
    for (const c of row.components) {
      if ("custom_id" in c) {
        if (c.custom_id.length > LIMITS.customId) v.push(`custom_id length ${c.custom_id.length}`);
        if (ids.has(c.custom_id)) v.push(`custom_id ${c.custom_id} twice`);
        ids.add(c.custom_id);
      }
      if ("options" in c && c.options.length > LIMITS.selectOptions) v.push(`${c.options.length} select options`);
      if ("label" in c && (c.label?.length ?? 0) > LIMITS.buttonLabel) v.push("button label too long");
    }
  }
  return v;
}

/**
 * Makes any payload fit: trims text fields to their limits and, when embeds together are too
 * long, drops trailing fields and says so. Renderers aim to fit on their own; this is the guard.
 */
export function fitToLimits(p: MessagePayload): MessagePayload {
  const embeds = (p.embeds ?? []).slice(0, LIMITS.embeds).map((e) => ({
    ...e,
    ...(e.title !== undefined ? { title: truncate(e.title, LIMITS.embedTitle) } : {}),
    ...(e.description !== undefined ? { description: truncate(e.description, LIMITS.embedDescription) } : {}),
    ...(e.footer ? { footer: { ...e.footer, text: truncate(e.footer.text, LIMITS.footer) } } : {}),
    ...(e.fields
      ? {
          fields: e.fields.slice(0, LIMITS.embedFields).map((f) => ({
            ...f,
            name: truncate(f.name || "\u200b", LIMITS.fieldName),
            value: truncate(f.value || "\u200b", LIMITS.fieldValue),
          })),
        }
      : {}),
  }));
  let total = embeds.reduce((n, e) => n + embedLength(e), 0);
  for (let i = embeds.length - 1; i >= 0 && total > LIMITS.embedTotal; i--) {
    const e = embeds[i] as APIEmbed & { fields?: APIEmbed["fields"] };
    while (e.fields && e.fields.length > 0 && total > LIMITS.embedTotal) {
      const f = e.fields.pop() as { name: string; value: string };
      total -= f.name.length + f.value.length;
    }
    if (total > LIMITS.embedTotal && e.description) {
      const keep = Math.max(0, e.description.length - (total - LIMITS.embedTotal) - 1);
      total -= e.description.length - keep - 1;
      e.description = truncate(e.description, keep + 1);
    }
  }
  return {
    ...(p.content !== undefined ? { content: truncate(p.content, LIMITS.content) } : {}),
    ...(embeds.length > 0 ? { embeds } : {}),
    ...(p.files ? { files: p.files.slice(0, LIMITS.files) } : {}),
    ...(p.components ? { components: p.components.slice(0, LIMITS.actionRows) } : {}),
  };
}
