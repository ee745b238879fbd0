/**
 * The parts of a TrueType file the charts read themselves: `cmap` (character → glyph), `hmtx`
 * (advance widths), the legacy `kern` table (pair kerning) and `glyf`/`loca` (outlines). Reading
 * outlines lets labels be drawn as paths, which resvg rasterises far faster than `<text>` it has
 * to shape (issue 13: ~0.3 ms per `<text>` element, most of a chart's cost).
 */
import { readFileSync } from "node:fs";
import { FONT_FILES } from "./fonts.js";

/** One point of a TrueType contour, in font units (y up). */
export interface OutlinePoint {
  x: number;
  y: number;
  /** On the curve; off-curve points are quadratic Bézier control points. */
  on: boolean;
}

export type Contour = readonly OutlinePoint[];

export interface FontFile {
  unitsPerEm: number;
  /** Glyph id of a code point; 0 (.notdef) when the font has no glyph for it. */
  glyphOf(codePoint: number): number;
  advanceOfGlyph(glyph: number): number;
  /** Pair kerning in font units (negative narrows); 0 for pairs the table does not list. */
  kerning(left: number, right: number): number;
  /** The glyph's contours, composites resolved; empty for blank glyphs such as the space. */
  outline(glyph: number): readonly Contour[];
}

function parseFontFile(bytes: Buffer): FontFile {
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

  const head = table("head");
  const unitsPerEm = view.getUint16(head + 18);
  const longLoca = view.getInt16(head + 50) === 1;
  const numberOfHMetrics = view.getUint16(table("hhea") + 34);
  const hmtx = table("hmtx");
  const kern = tables.has("kern") ? parseKern(view, table("kern")) : new Map<number, number>();
  const loca = table("loca");
  const glyf = table("glyf");
  const glyphOffset = (glyph: number): number =>
    longLoca ? view.getUint32(loca + 4 * glyph) : 2 * view.getUint16(loca + 2 * glyph);

  const outlines = new Map<number, readonly Contour[]>();
  const outline = (glyph: number, depth = 0): readonly Contour[] => {
    let contours = outlines.get(glyph);
    if (contours === undefined) {
      const start = glyphOffset(glyph);
      const length = glyphOffset(glyph + 1) - start;
      contours = length === 0 ? [] : parseGlyph(view, glyf + start, (g) => (depth > 8 ? [] : outline(g, depth + 1)));
      outlines.set(glyph, contours);
    }
    return contours;
  };

  return {
    unitsPerEm,
    glyphOf: createGlyphLookup(view, table("cmap")),
    advanceOfGlyph: (glyph) => view.getUint16(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1)),
    kerning: (left, right) => kern.get(left * 65_536 + right) ?? 0,
    outline: (glyph) => outline(glyph),
  };
}

/** Format-0 subtables of the Microsoft `kern` table (version 0): sorted pairs with a value. */
function parseKern(view: DataView, kern: number): Map<number, number> {
  const pairs = new Map<number, number>();
  if (view.getUint16(kern) !== 0) return pairs;
  let subtable = kern + 4;
  for (let t = view.getUint16(kern + 2); t > 0; t--) {
    const length = view.getUint16(subtable + 2);
    const coverage = view.getUint16(subtable + 4);
    // Format 0, horizontal, not cross-stream, not a minimum table.
    if (coverage >> 8 === 0 && (coverage & 0b111) === 0b001) {
      const n = view.getUint16(subtable + 6);
      for (let i = 0; i < n; i++) {
        const pair = subtable + 14 + 6 * i;
        pairs.set(view.getUint16(pair) * 65_536 + view.getUint16(pair + 2), view.getInt16(pair + 4));
      }
    }
    subtable += length;
  }
  return pairs;
}

// Simple-glyph flags and composite-glyph flags (OpenType spec, "glyf" table).
const ON_CURVE = 0x01;
const X_SHORT = 0x02;
const Y_SHORT = 0x04;
const REPEAT = 0x08;
const X_SAME_OR_POSITIVE = 0x10;
const Y_SAME_OR_POSITIVE = 0x20;
const ARGS_ARE_WORDS = 0x0001;
const ARGS_ARE_XY = 0x0002;
const HAS_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const HAS_XY_SCALE = 0x0040;
const HAS_2X2 = 0x0080;

function parseGlyph(view: DataView, at: number, component: (glyph: number) => readonly Contour[]): Contour[] {
  const numberOfContours = view.getInt16(at);
  let p = at + 10;
  if (numberOfContours < 0) {
    const contours: Contour[] = [];
    for (let flags = MORE_COMPONENTS; flags & MORE_COMPONENTS; ) {
      flags = view.getUint16(p);
      const glyph = view.getUint16(p + 2);
      p += 4;
      let dx = 0;
      let dy = 0;
      if (flags & ARGS_ARE_WORDS) {
        dx = view.getInt16(p);
        dy = view.getInt16(p + 2);
        p += 4;
      } else {
        dx = view.getInt8(p);
        dy = view.getInt8(p + 1);
        p += 2;
      }
      // Point-matched placement (not XY offsets) is rare and not used by DejaVu: placed at 0, 0.
      if (!(flags & ARGS_ARE_XY)) dx = dy = 0;
      let [a, b, c, d] = [1, 0, 0, 1];
      const f2dot14 = (offset: number) => view.getInt16(offset) / 16_384;
      if (flags & HAS_SCALE) {
        a = d = f2dot14(p);
        p += 2;
      } else if (flags & HAS_XY_SCALE) {
        a = f2dot14(p);
        d = f2dot14(p + 2);
        p += 4;
      } else if (flags & HAS_2X2) {
        [a, b, c, d] = [f2dot14(p), f2dot14(p + 2), f2dot14(p + 4), f2dot14(p + 6)];
        p += 8;
      }
      for (const contour of component(glyph)) {
        contours.push(contour.map((q) => ({ x: a * q.x + c * q.y + dx, y: b * q.x + d * q.y + dy, on: q.on })));
      }
    }
    return contours;
  }

  const ends: number[] = [];
  for (let i = 0; i < numberOfContours; i++, p += 2) ends.push(view.getUint16(p));
  const count = (ends[ends.length - 1] ?? -1) + 1;
  p += 2 + view.getUint16(p); // skip the hinting instructions
  const flags = new Uint8Array(count);
  for (let i = 0; i < count; ) {
    const flag = view.getUint8(p++);
    flags[i++] = flag;
    if (flag & REPEAT) for (let r = view.getUint8(p++); r > 0; r--) flags[i++] = flag;
  }
  const coordinates = (short: number, same: number): Int32Array => {
    const out = new Int32Array(count);
    let value = 0;
    for (let i = 0; i < count; i++) {
      const flag = flags[i] as number;
      if (flag & short) value += flag & same ? view.getUint8(p++) : -view.getUint8(p++);
      else if (!(flag & same)) {
        value += view.getInt16(p);
        p += 2;
      }
      out[i] = value;
    }
    return out;
  };
  const xs = coordinates(X_SHORT, X_SAME_OR_POSITIVE);
  const ys = coordinates(Y_SHORT, Y_SAME_OR_POSITIVE);
  const contours: Contour[] = [];
  let first = 0;
  for (const end of ends) {
    const contour: OutlinePoint[] = [];
    for (let i = first; i <= end; i++) contour.push({ x: xs[i] as number, y: ys[i] as number, on: ((flags[i] as number) & ON_CURVE) !== 0 });
    contours.push(contour);
    first = end + 1;
  }
  return contours;
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

let fonts: { regular: FontFile; bold: FontFile } | undefined;

/** DejaVu Sans (or its bold face), parsed once per process. */
export function fontFile(bold: boolean): FontFile {
  fonts ??= {
    regular: parseFontFile(readFileSync(FONT_FILES.regular)),
    bold: parseFontFile(readFileSync(FONT_FILES.bold)),
  };
  return bold ? fonts.bold : fonts.regular;
}
