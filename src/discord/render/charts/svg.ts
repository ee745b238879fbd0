/**
 * Small SVG toolkit shared by the charts: an element builder that escapes every attribute and
 * text node, number formatting, linear scales, "nice" ticks, and the card frame with its title.
 * Charts build strings; nothing here knows about a particular chart.
 */
import { FONT_FAMILY } from "./fonts.js";
import { glyphRun } from "./glyph-paths.js";
import { measureText, truncateText, type FontStyle } from "./text-metrics.js";
import type { Theme } from "./theme.js";

// XML 1.0 forbids most C0 controls, lone surrogates and U+FFFE/U+FFFF; the rasteriser rejects
// a document containing them, so they are dropped before escaping.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `text` made safe for an SVG text node or attribute value. */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[&<>"'\t\n\r\u0000-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

export function escapeXml(text: string): string {
  // Most attributes are colours and numbers: one test instead of seven replacements.
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text
    .replace(XML_INVALID, "")
    .replace(/[\t\n\r]+/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** A coordinate rounded to 0.01 px: keeps the SVG compact and byte-for-byte deterministic. */
export function num(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? "0" : String(rounded);
}

export type Attributes = Readonly<Record<string, string | number | undefined>>;

function attributes(attrs: Attributes): string {
  let out = "";
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    out += ` ${name}="${typeof value === "number" ? num(value) : escapeXml(value)}"`;
  }
  return out;
}

/**
 * An element whose children are already-built markup (or escaped text). Child elements go on
 * their own lines so SVG snapshots diff line by line; text content is kept inline because
 * whitespace inside <text> would be rendered.
 */
export function el(tag: string, attrs: Attributes, children: readonly string[] = []): string {
  if (children.length === 0) return `<${tag}${attributes(attrs)}/>`;
  const separator = children.every((c) => c.startsWith("<")) ? "\n" : "";
  return `<${tag}${attributes(attrs)}>${separator}${children.join(separator)}${separator}</${tag}>`;
}

export interface TextOptions {
  x: number;
  y: number;
  style: FontStyle;
  fill: string;
  anchor?: "start" | "middle" | "end";
  /** Degrees, about (x, y). */
  rotate?: number;
  /** Truncate with an ellipsis beyond this width in px. */
  maxWidth?: number;
}

/**
 * A line of text; `content` is plain user text. Drawn as one path of glyph outlines when it needs
 * no shaping (glyph-paths.ts; the text itself rides along as `aria-label`), else as `<text>`.
 */
export function text(content: string, options: TextOptions): string {
  const shown = options.maxWidth === undefined ? content : truncateText(content, options.maxWidth, options.style);
  const run = glyphRun(shown, options.style, options.x, options.anchor);
  if (run === undefined) return textElement(shown, options);
  if (run.d === "") return "";
  const place = `translate(${num(run.left)} ${num(options.y)}) scale(${run.scale} ${-run.scale})`;
  const rotate = rotation(options);
  // Built by hand: `d` is our own numbers and letters, and escaping a few kB per label adds up.
  return `<path aria-label="${escapeXml(shown)}" transform="${rotate === undefined ? place : `${rotate} ${place}`}" fill="${escapeXml(options.fill)}" d="${run.d}"/>`;
}

function rotation(options: TextOptions): string | undefined {
  return options.rotate === undefined ? undefined : `rotate(${num(options.rotate)} ${num(options.x)} ${num(options.y)})`;
}

/** `content` as an SVG `<text>` element for resvg to shape: the fallback of {@link text}. */
export function textElement(content: string, options: Omit<TextOptions, "maxWidth">): string {
  return el(
    "text",
    {
      x: options.x,
      y: options.y,
      "font-size": options.style.size,
      "font-weight": options.style.bold === true ? "bold" : undefined,
      "text-anchor": options.anchor === "start" ? undefined : options.anchor,
      transform: rotation(options),
      fill: options.fill,
    },
    [escapeXml(content)],
  );
}

const MINUS = "\u2212";

/** Fixed-decimal number with a true minus sign and no "−0.00". */
export function formatFixed(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return "n/a";
  const s = value.toFixed(decimals);
  if (/^-0(\.0+)?$/.test(s)) return s.slice(1);
  return s.startsWith("-") ? MINUS + s.slice(1) : s;
}

/** Decimals that show three significant digits of `magnitude` (0–6). */
export function decimalsFor(magnitude: number): number {
  if (!Number.isFinite(magnitude) || magnitude === 0) return 2;
  return Math.min(6, Math.max(0, 2 - Math.floor(Math.log10(Math.abs(magnitude)))));
}

export type Scale = (value: number) => number;

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (value) => r0 + (value - d0) * k;
}

export interface Ticks {
  min: number;
  max: number;
  step: number;
  values: number[];
  /** Decimals that print every tick exactly. */
  decimals: number;
}

// Heckbert, "Nice numbers for graph labels", Graphics Gems (1990): the step is the raw step
// rounded to 1, 2 or 5 × 10ⁿ. Heckbert first rounds the range *up* to a nice number too; that
// can double the step (−0.05…0.15 gets 0.1 instead of 0.05), so we round the raw step only.
function niceStep(rawStep: number): number {
  const exponent = Math.floor(Math.log10(rawStep));
  const fraction = rawStep / 10 ** exponent;
  const nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  return nice * 10 ** exponent;
}

/**
 * Ticks at 1, 2 or 5 × 10ⁿ covering [lo, hi], about `target` of them. A degenerate or
 * non-finite interval is widened so a single value still gets a readable axis.
 */
export function niceTicks(lo: number, hi: number, target = 5): Ticks {
  let a = Number.isFinite(lo) ? lo : 0;
  let b = Number.isFinite(hi) ? hi : 1;
  if (a > b) [a, b] = [b, a];
  if (a === b) {
    const pad = Math.abs(a) * 0.1 || 1;
    a -= pad;
    b += pad;
  }
  const step = niceStep((b - a) / Math.max(1, target - 1));
  const first = Math.floor(a / step + 1e-9);
  const last = Math.ceil(b / step - 1e-9);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const values: number[] = [];
  // Integer multiples of the step, re-rounded, so ticks never read 0.30000000000000004.
  for (let i = first; i <= last; i++) values.push(Number((i * step).toFixed(decimals)));
  return { min: values[0] ?? a, max: values[values.length - 1] ?? b, step, values, decimals };
}

export const FONT = {
  title: { size: 18, bold: true },
  subtitle: { size: 13 },
  label: { size: 13 },
  tick: { size: 12 },
  small: { size: 11 },
} as const satisfies Record<string, FontStyle>;

export const PAD = 20;

function hasSubtitle(subtitle: string | undefined): subtitle is string {
  return subtitle !== undefined && subtitle !== "";
}

/** y below the title block, where chart content may start. */
export function headerBottom(subtitle: string | undefined): number {
  return PAD + (hasSubtitle(subtitle) ? 46 : 24) + 14;
}

/** Card width that shows the whole title block, between `min` and `max` px. */
export function headerWidth(title: string, subtitle: string | undefined, min: number, max: number): number {
  const titleWidth = measureText(title, FONT.title);
  const subtitleWidth = hasSubtitle(subtitle) ? measureText(subtitle, FONT.subtitle) : 0;
  return Math.min(max, Math.max(min, Math.ceil(Math.max(titleWidth, subtitleWidth)) + 2 * PAD));
}

/** Title (bold) and optional subtitle at the top left, truncated to the card width. */
export function renderHeader(theme: Theme, width: number, title: string, subtitle: string | undefined): string {
  const maxWidth = width - 2 * PAD;
  const parts = [text(title, { x: PAD, y: PAD + 16, style: FONT.title, fill: theme.text, maxWidth })];
  if (hasSubtitle(subtitle)) {
    parts.push(text(subtitle, { x: PAD, y: PAD + 38, style: FONT.subtitle, fill: theme.mutedText, maxWidth }));
  }
  return parts.join("");
}

/** The complete document: opaque card, default font, then `body`. */
export function renderDocument(theme: Theme, width: number, height: number, body: readonly string[]): string {
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  return el(
    "svg",
    {
      xmlns: "http://www.w3.org/2000/svg",
      width: w,
      height: h,
      viewBox: `0 0 ${w} ${h}`,
      "font-family": FONT_FAMILY,
    },
    [el("rect", { width: w, height: h, fill: theme.background }), ...body],
  );
}

/** A centred muted message, for charts with nothing to plot. */
export function renderNoData(theme: Theme, x: number, y: number, message = "No data to plot"): string {
  return text(message, { x, y, style: FONT.label, fill: theme.mutedText, anchor: "middle" });
}

/** Diagonal-stripe pattern used for "not enough data" cells and swatches. */
export function missingPattern(theme: Theme, id: string): string {
  return el("pattern", { id, width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" }, [
    el("rect", { width: 6, height: 6, fill: theme.missingFill }),
    el("rect", { width: 2, height: 6, fill: theme.missingStripe }),
  ]);
}
