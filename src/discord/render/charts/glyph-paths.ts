/**
 * A line of text as one SVG path of DejaVu's glyph outlines, advance widths and pair kerning, so
 * resvg draws it as a shape instead of shaping a `<text>` element (which costs ~0.3 ms each, most
 * of a chart's render time). resvg draws text as unhinted outlines too, so the pixels match.
 * Only for text that needs no shaping: Latin, Greek, Cyrillic and common symbols, no combining
 * marks, every character in the font. Anything else stays `<text>` for resvg to shape.
 */
import { fontFile, type Contour, type FontFile, type OutlinePoint } from "./font-file.js";
import type { FontStyle } from "./text-metrics.js";

const NO_SHAPING = /^[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Common}]*$/u;
const MARK = /\p{M}/u;

export interface GlyphRun {
  /**
   * Path data in font units, y up, the first glyph's origin at 0, 0: draw it with
   * `translate(left baseline) scale(scale −scale)`.
   */
  d: string;
  /** px per font unit. */
  scale: number;
  /** x of the first glyph's origin in px, after `anchor`. */
  left: number;
  /** Advance width in px, kerning included. */
  width: number;
}

/**
 * Outline path of `text` set at `x` (aligned by `anchor`), or `undefined` when the text needs
 * shaping or has characters the font lacks.
 */
export function glyphRun(text: string, style: FontStyle, x: number, anchor: "start" | "middle" | "end" = "start"): GlyphRun | undefined {
  if (!NO_SHAPING.test(text) || MARK.test(text)) return undefined;
  const font = fontFile(style.bold ?? false);
  let d = "";
  let pen = 0;
  let previous = -1;
  for (const char of text) {
    const glyph = font.glyphOf(char.codePointAt(0) ?? 0);
    if (glyph === 0) return undefined;
    if (previous >= 0) pen += font.kerning(previous, glyph);
    d += placedGlyph(font, glyph, pen);
    pen += font.advanceOfGlyph(glyph);
    previous = glyph;
  }
  const scale = style.size / font.unitsPerEm;
  const width = pen * scale;
  const left = anchor === "middle" ? x - width / 2 : anchor === "end" ? x - width : x;
  return { d, scale, left, width };
}

interface CachedGlyph {
  /** The first contour's start point: the only absolute coordinate. */
  x: number;
  y: number;
  /** Everything after that first move, in relative commands, so it is reused at any pen position. */
  rest: string;
}

const glyphCaches = new WeakMap<FontFile, Map<number, CachedGlyph | null>>();

function placedGlyph(font: FontFile, glyph: number, pen: number): string {
  let cache = glyphCaches.get(font);
  if (cache === undefined) glyphCaches.set(font, (cache = new Map<number, CachedGlyph | null>()));
  let cached = cache.get(glyph);
  if (cached === undefined) {
    cached = outlineCommands(font.outline(glyph));
    cache.set(glyph, cached);
  }
  return cached === null ? "" : `M${fmt(cached.x + pen)} ${fmt(cached.y)}${cached.rest}`;
}

const fmt = (value: number): string => {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? "0" : String(rounded);
};

// TrueType contours are quadratic B-splines: two off-curve points in a row imply an on-curve
// point halfway between them, and a contour may start off the curve. After Z the current point is
// the subpath's start, so every contour after the first begins with a relative move.
function outlineCommands(contours: readonly Contour[]): CachedGlyph | null {
  let first: { x: number; y: number } | undefined;
  let rest = "";
  let cx = 0;
  let cy = 0;
  const rel = (x: number, y: number): string => `${fmt(x - cx)} ${fmt(y - cy)}`;
  for (const contour of contours) {
    const n = contour.length;
    if (n === 0) continue;
    const firstOn = contour.findIndex((p) => p.on);
    let start: { x: number; y: number };
    let from: number;
    if (firstOn >= 0) {
      start = contour[firstOn] as OutlinePoint;
      from = firstOn;
    } else {
      const a = contour[0] as OutlinePoint;
      const b = contour[n - 1] as OutlinePoint;
      start = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
      from = n - 1;
    }
    if (first === undefined) first = start;
    else rest += `m${rel(start.x, start.y)}`;
    [cx, cy] = [start.x, start.y];
    let control: { x: number; y: number } | undefined;
    const curveTo = (x: number, y: number) => {
      const c = control as { x: number; y: number };
      rest += `q${rel(c.x, c.y)} ${rel(x, y)}`;
      [cx, cy] = [x, y];
    };
    for (let step = 1; step <= n; step++) {
      const p = contour[(from + step) % n] as OutlinePoint;
      if (p.on) {
        if (control === undefined) {
          rest += `l${rel(p.x, p.y)}`;
          [cx, cy] = [p.x, p.y];
        } else curveTo(p.x, p.y);
        control = undefined;
      } else {
        if (control !== undefined) curveTo((control.x + p.x) / 2, (control.y + p.y) / 2);
        control = p;
      }
    }
    // With no on-curve point the loop ends on a control point; close back through it to the start.
    if (control !== undefined) curveTo(start.x, start.y);
    rest += "z";
    [cx, cy] = [start.x, start.y];
  }
  return first === undefined ? null : { x: first.x, y: first.y, rest };
}
