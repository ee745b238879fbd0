/**
 * SVG → PNG with resvg and only the bundled DejaVu fonts, so output does not depend on the
 * host's installed fonts.
 */
import { Resvg } from "@resvg/resvg-js";
import { endianness } from "node:os";
import { crc32, deflateSync } from "node:zlib";
import { FONT_FAMILY, FONT_FILES } from "./fonts.js";
import type { ThemeName } from "./theme.js";

export interface ChartImage {
  png: Buffer;
  svg: string;
  /** PNG size in pixels (the SVG's size × `scale`). */
  width: number;
  height: number;
}

/** Options every chart accepts. */
export interface ChartOptions {
  theme?: ThemeName | undefined;
  /**
   * Pixel density; default 1. Discord shows a chart inside an embed at most about 400 CSS px wide
   * (less on a phone), i.e. ≤ 800 device pixels on a 2× screen and ~1000 on a 3× phone, and our
   * cards are 760–950 px wide, so 1× is what gets displayed either way; 2× only sharpens the
   * full-size viewer, for four times the pixels to draw and compress.
   */
  scale?: number | undefined;
}

export const DEFAULT_SCALE = 1;

/** @throws if `svg` is not well-formed or `scale` is not a positive finite number */
export function rasterizeSvg(svg: string, scale: number = DEFAULT_SCALE): ChartImage {
  if (!(Number.isFinite(scale) && scale > 0)) throw new Error("rasterizeSvg requires a positive scale");
  const image = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    font: {
      loadSystemFonts: false,
      // Labels are drawn as glyph paths; only a label that needs shaping stays <text> and needs the fonts loaded.
      fontFiles: svg.includes("<text") ? [FONT_FILES.regular, FONT_FILES.bold] : [],
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
    logLevel: "off",
  }).render();
  return { png: encodePng(image.pixels, image.width, image.height) ?? image.asPng(), svg, width: image.width, height: image.height };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}

const LITTLE_ENDIAN = endianness() === "LE";

/** Every pixel's alpha is 255: a word at a time where it can (a byte loop was ~2 ms a chart). */
function opaque(rgba: Buffer): boolean {
  if (LITTLE_ENDIAN && rgba.byteOffset % 4 === 0 && rgba.length % 4 === 0) {
    // Alpha is each pixel's fourth byte, the top byte of a little-endian word: opaque iff the word is ≥ 0xff000000.
    const pixels = new Uint32Array(rgba.buffer, rgba.byteOffset, rgba.length / 4);
    for (let i = 0; i < pixels.length; i++) if ((pixels[i] as number) < 0xff000000) return false;
    return true;
  }
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return false;
  return true;
}

/**
 * RGBA pixels as a PNG compressed at zlib level 1, no row filters: charts are large flat areas,
 * so this is about as small as resvg's own encoder (default level) and 2-4× faster. `undefined`
 * when a pixel is not opaque: resvg's pixels are premultiplied, which equals straight alpha (what
 * PNG stores) only at full opacity. Every chart paints an opaque card, so that is never the case.
 */
export function encodePng(rgba: Buffer, width: number, height: number): Buffer | undefined {
  const stride = width * 4;
  if (!opaque(rgba)) return undefined;
  const raw = Buffer.allocUnsafe((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type None
    rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, adaptive filtering, no interlace
  return Buffer.concat([PNG_SIGNATURE, chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw, { level: 1 })), chunk("IEND", Buffer.alloc(0))]);
}
