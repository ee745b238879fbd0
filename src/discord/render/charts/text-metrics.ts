/**
 * Text width from the real font: advance widths read from DejaVu Sans' `cmap` and `hmtx` tables,
 * so labels can be truncated and laid out before rasterising. Kerning is ignored; it only ever
 * narrows DejaVu text slightly, so measured widths are a safe upper bound.
 */
import { readFileSync } from "node:fs";
import { FONT_FILES } from "./fonts.js";

interface FontMetrics {
  unitsPerEm: number;
  advanceOf(codePoint: number): number;
}

function parseFontMetrics(bytes: Buffer): FontMetrics {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tables = new Map<string, number>();
  const numTables = view.getUint16(4);
  for (let i = 0; i < numTables; i++) {
    const record = 12 + i * 16;
    tables.set(bytes.toString("latin1", record, record + 4), view.getUint32(record + 8));
  }
  const table = (tag: string): number => {
    const offset = tables.get(tag);
    if (offset === undefined) throw new Error(`font is missing the ${tag} table`);
    return offset;
  };

  const unitsPerEm = view.getUint16(table("head") + 18);
  const numberOfHMetrics = view.getUint16(table("hhea") + 34);
  const hmtx = table("hmtx");
  const advanceOfGlyph = (glyph: number): number =>
    view.getUint16(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1));

  const glyphOf = createGlyphLookup(view, table("cmap"));
  const cache = new Map<number, number>();
  return {
    unitsPerEm,
    advanceOf(codePoint) {
      let advance = cache.get(codePoint);
      if (advance === undefined) {
        // Glyph 0 (.notdef) is what the rasteriser draws for a missing character.
        advance = advanceOfGlyph(glyphOf(codePoint));
        cache.set(codePoint, advance);
      }
      return advance;
    },
  };
}

/** Unicode → glyph id through the best cmap subtable: format 12 (full Unicode) or format 4 (BMP). */
function createGlyphLookup(view: DataView, cmap: number): (codePoint: number) => number {
  const count = view.getUint16(cmap + 2);
  let format4: number | undefined;
  let format12: number | undefined;
  for (let i = 0; i < count; i++) {
    const record = cmap + 4 + i * 8;
    const platform = view.getUint16(record);
    const encoding = view.getUint16(record + 2);
    const subtable = cmap + view.getUint32(record + 4);
    const format = view.getUint16(subtable);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    if (format === 12) format12 ??= subtable;
    if (format === 4) format4 ??= subtable;
  }

  if (format12 !== undefined) {
    const sub = format12;
    const groups = view.getUint32(sub + 12);
    return (cp) => {
      let lo = 0;
      let hi = groups - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const group = sub + 16 + mid * 12;
        const start = view.getUint32(group);
        const end = view.getUint32(group + 4);
        if (cp < start) hi = mid - 1;
        else if (cp > end) lo = mid + 1;
        else return view.getUint32(group + 8) + (cp - start);
      }
      return 0;
    };
  }

  if (format4 !== undefined) {
    const sub = format4;
    const segCount = view.getUint16(sub + 6) / 2;
    const endCodes = sub + 14;
    const startCodes = endCodes + 2 * segCount + 2;
    const idDeltas = startCodes + 2 * segCount;
    const idRangeOffsets = idDeltas + 2 * segCount;
    return (cp) => {
      if (cp > 0xffff) return 0;
      for (let s = 0; s < segCount; s++) {
        if (cp > view.getUint16(endCodes + 2 * s)) continue;
        const start = view.getUint16(startCodes + 2 * s);
        if (cp < start) return 0;
        const delta = view.getInt16(idDeltas + 2 * s);
        const rangeOffsetAt = idRangeOffsets + 2 * s;
        const rangeOffset = view.getUint16(rangeOffsetAt);
        if (rangeOffset === 0) return (cp + delta) & 0xffff;
        const glyph = view.getUint16(rangeOffsetAt + rangeOffset + 2 * (cp - start));
        return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
      }
      return 0;
    };
  }

  throw new Error("font has no Unicode cmap subtable");
}

let metrics: { regular: FontMetrics; bold: FontMetrics } | undefined;

function fontMetrics(bold: boolean): FontMetrics {
  metrics ??= {
    regular: parseFontMetrics(readFileSync(FONT_FILES.regular)),
    bold: parseFontMetrics(readFileSync(FONT_FILES.bold)),
  };
  return bold ? metrics.bold : metrics.regular;
}

export interface FontStyle {
  size: number;
  bold?: boolean;
}

/** Width in px of `text` set in DejaVu Sans at `style.size` px. */
export function measureText(text: string, style: FontStyle): number {
  const font = fontMetrics(style.bold ?? false);
  let units = 0;
  for (const char of text) units += font.advanceOf(char.codePointAt(0) ?? 0);
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
