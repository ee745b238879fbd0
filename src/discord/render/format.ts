/**
 * Small formatting pieces every renderer shares: numbers that never print NaN or Infinity,
 * names that cannot break markdown or ping anyone, monospace tables, CSV attachments.
 */
import { escapeMarkdown } from "discord.js";
import { csvRecord } from "../../services/csv.js";
import { isModelName } from "../../services/registrations.js";
import { truncate, type FileAttachment } from "./payload.js";
import type { RoundSpan, RoundsUsed } from "../../services/series.js";
import { shortenNames } from "./short-names.js";

/** What a statistic that is not defined (NaN, ±Infinity, null) reads as. */
export const NA = "n/a";

const isNumber = (x: number | null | undefined): x is number => typeof x === "number" && Number.isFinite(x);

/** `x` with `digits` decimals, or "n/a" when it is not a finite number. -0 prints as 0. */
export function fmt(x: number | null | undefined, digits = 3): string {
  if (!isNumber(x)) return NA;
  const s = x.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** Like {@link fmt} with an explicit sign for positive numbers ("+0.012"). */
export function fmtSigned(x: number | null | undefined, digits = 3): string {
  const s = fmt(x, digits);
  return s === NA || s.startsWith("-") || Number(s) === 0 ? s : `+${s}`;
}

/** A fraction as a percentage ("12.5%"), or "n/a". */
export function pct(x: number | null | undefined, digits = 1): string {
  return isNumber(x) ? `${fmt(x * 100, digits)}%` : NA;
}

/** Whole numbers with thousands separators ("12,345"), or "n/a". */
export function int(x: number | null | undefined): string {
  return isNumber(x) ? Math.round(x).toLocaleString("en-US") : NA;
}

/** Bytes in the largest sensible unit ("12.3 MiB"). */
export function bytes(n: number | null | undefined): string {
  if (!isNumber(n) || n < 0) return NA;
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u] as string}`;
}

/** A date as `2024-05-01 06:17 UTC`, or "n/a". */
export function utc(d: Date | null | undefined): string {
  if (!d || Number.isNaN(d.getTime())) return NA;
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

const zonedFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * A time on the wall clock of an IANA zone with UTC beside it, `2026-06-05 09:00 Europe/Paris
 * (2026-06-05 07:00 UTC)`; just the UTC form for UTC. "n/a" for an invalid date.
 */
export function zoned(d: Date | null | undefined, timeZone: string): string {
  if (!d || Number.isNaN(d.getTime())) return NA;
  if (timeZone === "UTC") return utc(d);
  let f = zonedFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
    zonedFormatters.set(timeZone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(d)) p[part.type] = part.value;
  return `${p.year ?? ""}-${p.month ?? ""}-${p.day ?? ""} ${p.hour ?? ""}:${p.minute ?? ""} ${timeZone} (${utc(d)})`;
}

/** Control characters and line breaks become spaces: a name is always one line. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ");
}

/** Mentions (@everyone, <@id>) shown but inert: a zero-width space after every "@". */
function inertMentions(text: string): string {
  return text.replace(/@/g, "@\u200b");
}

/** Markdown escaping and inert mentions for a name already made one line and short. */
function escapeName(name: string): string {
  const escaped = escapeMarkdown(name, {
    bold: false,
    italic: false,
    underline: false,
    heading: true,
    bulletedList: true,
    numberedList: true,
    maskedLink: true,
  })
    .replace(/[*_]/g, "\\$&")
    .replace(/^>/, "\\>");
  return inertMentions(escaped);
}

/**
 * A user-controlled name (model names can come from CSV imports) for markdown text: one line,
 * cut to `max` characters, markdown escaped, mentions inert. `*` and `_` are escaped one by
 * one because escapeMarkdown leaves some underscores of a run of four or more unescaped; a
 * leading ">" is escaped because escapeMarkdown does not handle block quotes.
 */
export function safeName(name: string, max = 40): string {
  return escapeName(truncate(oneLine(name), max));
}

/** A user-controlled name for a code block: one line, cut, no backticks (they would close the block). */
export function codeName(name: string, max = 20): string {
  return truncate(codeText(name), max);
}

const codeText = (name: string): string => oneLine(name).replace(/`/g, "ˋ");

/** Looks up the shortened form of each of `names` (as `shortenNames` made them), by the original name. */
function lookup(names: readonly string[], forms: readonly string[], fallback: (name: string) => string): (name: string) => string {
  const byName = new Map(names.map((n, i) => [n, forms[i] as string]));
  return (name) => byName.get(name) ?? fallback(name);
}

/**
 * Code-block forms of a set of names (a table's model column): one line, no backticks, each at
 * most `max` characters and cut in the middle so that no two names of the set look alike.
 */
export function codeNames(names: readonly string[], max = 20): (name: string) => string {
  const clean = names.map(codeText);
  return lookup(names, shortenNames(clean, max), (n) => codeName(n, max));
}

/** Markdown forms of a set of names, like {@link safeName} but cut so that no two look alike. */
export function safeNames(names: readonly string[], max = 40): (name: string) => string {
  return lookup(names, shortenNames(names.map(oneLine), max).map(escapeName), (n) => safeName(n, max));
}

/** A list of names for markdown text, cut after `maxNames` with "and N more"; shortened names stay distinct. */
export function nameList(names: readonly string[], maxNames = 10, maxEach = 32): string {
  const shown = names.slice(0, maxNames).map(safeNames(names.slice(0, maxNames), maxEach));
  const more = names.length - shown.length;
  return more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(", ");
}

export type Align = "left" | "right";

export interface Table {
  readonly headers: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
  /** Per column; default: first column left, the rest right. */
  readonly align?: readonly Align[];
}

/** Display width in a monospace block: code points (surrogate pairs count once). */
function width(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function pad(s: string, w: number, align: Align): string {
  const fill = " ".repeat(Math.max(0, w - width(s)));
  return align === "left" ? s + fill : fill + s;
}

/** Table lines (header, rule, rows) padded to column widths, without the code fence. */
export function tableLines(t: Table): string[] {
  const cols = t.headers.length;
  const widths = t.headers.map((h, c) => Math.max(width(h), ...t.rows.map((r) => width(r[c] ?? ""))));
  const alignOf = (c: number): Align => t.align?.[c] ?? (c === 0 ? "left" : "right");
  const line = (cells: readonly string[]) =>
    Array.from({ length: cols }, (_, c) => pad(cells[c] ?? "", widths[c] as number, alignOf(c)))
      .join("  ")
      .trimEnd();
  return [line(t.headers), widths.map((w) => "-".repeat(w)).join("  "), ...t.rows.map(line)];
}

const FENCE_OVERHEAD = "```\n\n```".length;

/**
 * The table as a code block of at most `maxChars` characters: as many leading rows as fit,
 * never a cut row. `shown` says how many rows made it.
 */
export function codeBlockTable(t: Table, maxChars: number): { text: string; shown: number } {
  const lines = tableLines(t);
  const head = lines.slice(0, 2);
  let used = FENCE_OVERHEAD + head.join("\n").length;
  let shown = 0;
  for (const row of lines.slice(2)) {
    if (used + 1 + row.length > maxChars) break;
    used += 1 + row.length;
    shown++;
  }
  return { text: `\`\`\`\n${[...head, ...lines.slice(2, 2 + shown)].join("\n")}\n\`\`\``, shown };
}

/** A CSV attachment (full precision; undefined numbers as empty cells). */
export function csvFile(
  name: string,
  headers: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>,
  description?: string,
): FileAttachment {
  const text = [csvRecord(headers), ...rows.map(csvRecord)].join("\n") + "\n";
  return { name, data: Buffer.from(text, "utf8"), ...(description ? { description } : {}) };
}

/** A plain-text attachment. */
export function textFile(name: string, text: string, description?: string): FileAttachment {
  return { name, data: Buffer.from(text, "utf8"), ...(description ? { description } : {}) };
}

/** Service notes as one footer text (within the footer limit). */
export function notesFooter(notes: readonly string[], extra: readonly string[] = []): { text: string } | undefined {
  const all = [...extra, ...notes].map(oneLine).filter((n) => n.trim() !== "");
  if (all.length === 0) return undefined;
  return { text: truncate(all.join(" "), 1500) };
}

/** "1 model" / "3 models". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${int(n)} ${n === 1 ? word : many}`;
}

const spanText = (s: RoundSpan): string => (s.first === null ? "" : s.first === s.last ? ` (round ${s.first})` : ` (${s.first}–${s.last})`);

/**
 * The rounds an answer used, for every analysis reply: "Rounds: the last 60 resolved rounds
 * (1106–1165); 38 shared by all models (1128–1165)."
 */
export function roundsText(u: RoundsUsed): string {
  const w = u.window;
  let text: string;
  if (u.requested === null) text = `all ${plural(w.count, "resolved round")}${spanText(w)}`;
  else if (w.count < u.requested) text = `the last ${int(u.requested)} resolved rounds asked for, ${int(w.count)} there are${spanText(w)}`;
  else text = `the last ${plural(w.count, "resolved round")}${spanText(w)}`;
  if (u.shared) {
    if (u.missingAsZero) text += "; a round a model lacks counts as 0";
    else if (u.shared.count === w.count && u.shared.first === w.first) text += ", all shared by every model";
    else text += `; ${int(u.shared.count)} shared by all models${spanText(u.shared)}`;
  }
  return `Rounds: ${text}.`;
}

/** The window in a few words, for chart subtitles: "30 resolved rounds, 1136–1165". */
export function roundsShort(u: RoundsUsed): string {
  const w = u.window;
  return `${plural(w.count, "resolved round")}${w.first === null ? "" : w.first === w.last ? `, round ${w.first}` : `, ${w.first}–${w.last}`}`;
}

/** Brand colours: one per kind of answer. */
export const COLORS = { info: 0x5865f2, good: 0x57f287, warn: 0xfee75c, bad: 0xed4245, neutral: 0x99aab5 } as const;

/** Lines joined by newlines within `maxChars`, ending with "…and N more" when some were left out. */
export function linesWithin(lines: readonly string[], maxChars: number): string {
  const all = lines.join("\n");
  if (all.length <= maxChars) return all;
  const out: string[] = [];
  let used = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const tail = `…and ${lines.length - i - 1} more`;
    // Room for this line and for the "…and N more" line after it.
    if (used + line.length + 1 + tail.length + (out.length > 0 ? 1 : 0) > maxChars) break;
    out.push(line);
    used += line.length + (out.length > 1 ? 1 : 0);
  }
  out.push(`…and ${lines.length - out.length} more`);
  return truncate(out.join("\n"), maxChars);
}

/** A model's page on numer.ai, or null when its name cannot be one (anything but a Numerai model name is shown unlinked). */
export function modelUrl(name: string): string | null {
  return isModelName(name) ? `https://numer.ai/${name.toLowerCase()}` : null;
}

/** A model's name for markdown, linked to its numer.ai page where it has one. */
export function modelLink(name: string, max = 40): string {
  const url = modelUrl(name);
  return url ? `[${safeName(name, max)}](${url})` : safeName(name, max);
}

/**
 * An embed field linking each of `names` to its numer.ai page, within a field's 1024 characters
 * ("…and N more" past that). Code-block tables cannot hold links, so the links sit beside them.
 */
export function modelLinksField(names: readonly string[], title = "On numer.ai"): { name: string; value: string } {
  const links = names.map((n) => modelLink(n, 32));
  const joined = links.join(" · ");
  if (joined.length <= 1024) return { name: title, value: joined || NA };
  const out: string[] = [];
  let used = 0;
  for (const [i, link] of links.entries()) {
    const tail = ` · …and ${links.length - i} more`;
    if (used + link.length + 3 + tail.length > 1024) break;
    out.push(link);
    used += link.length + 3;
  }
  return { name: title, value: `${out.join(" · ")} · …and ${links.length - out.length} more` };
}
