/**
 * Text width from the real font: advance widths read from DejaVu Sans' `cmap` and `hmtx` tables
 * (font-file.ts), so labels can be truncated and laid out before rasterising. Kerning is ignored;
 * it only ever narrows DejaVu text slightly, so measured widths are a safe upper bound.
 */
import { fontFile, type FontFile } from "./font-file.js";

const advanceCaches = new WeakMap<FontFile, Map<number, number>>();

/** Advance of a code point's glyph in font units; glyph 0 (.notdef) is what a missing character gets. */
function advanceOf(font: FontFile, codePoint: number): number {
  let cache = advanceCaches.get(font);
  if (cache === undefined) advanceCaches.set(font, (cache = new Map<number, number>()));
  let advance = cache.get(codePoint);
  if (advance === undefined) {
    advance = font.advanceOfGlyph(font.glyphOf(codePoint));
    cache.set(codePoint, advance);
  }
  return advance;
}

export interface FontStyle {
  size: number;
  bold?: boolean;
}

/** Width in px of `text` set in DejaVu Sans at `style.size` px. */
export function measureText(text: string, style: FontStyle): number {
  const font = fontFile(style.bold ?? false);
  let units = 0;
  for (const char of text) units += advanceOf(font, char.codePointAt(0) ?? 0);
  return (units / font.unitsPerEm) * style.size;
}

const ELLIPSIS = "…";
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * `text` if it fits in `maxWidth` px, else the longest prefix (whole graphemes, so emoji and
 * combining marks are never split) followed by an ellipsis.
 */
export function truncateText(text: string, maxWidth: number, style: FontStyle): string {
  if (measureText(text, style) <= maxWidth) return text;
  const parts = Array.from(graphemes.segment(text), (s) => s.segment);
  let lo = 0;
  let hi = parts.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measureText(parts.slice(0, mid).join("").trimEnd() + ELLIPSIS, style) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return parts.slice(0, lo).join("").trimEnd() + ELLIPSIS;
}
