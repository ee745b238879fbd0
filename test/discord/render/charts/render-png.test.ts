import { Resvg } from "@resvg/resvg-js";
import { describe, expect, it } from "vitest";
import { FONT_FILES } from "../../../../src/discord/render/charts/fonts.js";
import { DEFAULT_SCALE, encodePng, rasterizeSvg } from "../../../../src/discord/render/charts/render-png.js";
import { renderDocument, text } from "../../../../src/discord/render/charts/svg.js";
import { THEMES } from "../../../../src/discord/render/charts/theme.js";
import { PNG_SIGNATURE, countDifferingPixels, decodePng, readPngHeader } from "./decode-png.js";

const theme = THEMES.dark;
const BOX = { x0: 0, y0: 0, x1: 200, y1: 60 };

function renderLine(content: string | undefined): ReturnType<typeof decodePng> {
  const body = content === undefined ? [] : [text(content, { x: 10, y: 20, style: { size: 16 }, fill: theme.text })];
  return decodePng(rasterizeSvg(renderDocument(theme, 100, 30, body), 2).png);
}

describe("rasterizeSvg", () => {
  it("writes a PNG with the signature and an IHDR of the SVG size times the scale", () => {
    const image = rasterizeSvg(renderDocument(theme, 120, 45, []), 3);
    expect(image.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(readPngHeader(image.png)).toMatchObject({ width: 360, height: 135 });
    expect([image.width, image.height]).toEqual([360, 135]);
  });

  it("draws text with the bundled font (not nothing)", () => {
    const blank = renderLine(undefined);
    const written = renderLine("Model");
    expect(countDifferingPixels(blank, written, BOX)).toBeGreaterThan(150);
  });

  it("draws distinct glyphs for distinct letters (not identical missing-glyph boxes)", () => {
    expect(countDifferingPixels(renderLine("abcde"), renderLine("vwxyz"), BOX)).toBeGreaterThan(100);
    expect(countDifferingPixels(renderLine("абвгд"), renderLine("эюяжз"), BOX)).toBeGreaterThan(100);
  });

  it("renders bold differently from regular", () => {
    const bold = decodePng(
      rasterizeSvg(renderDocument(theme, 100, 30, [text("Model", { x: 10, y: 20, style: { size: 16, bold: true }, fill: theme.text })]), 2).png,
    );
    expect(countDifferingPixels(renderLine("Model"), bold, BOX)).toBeGreaterThan(100);
  });

  it("renders at 1× by default: Discord shows a chart in an embed at no more than its 1× size", () => {
    expect(DEFAULT_SCALE).toBe(1);
    expect(readPngHeader(rasterizeSvg(renderDocument(theme, 120, 45, [])).png)).toMatchObject({ width: 120, height: 45 });
  });

  it("throws on malformed SVG and on a non-positive scale", () => {
    expect(() => rasterizeSvg("<svg><text>&</text></svg>")).toThrow();
    expect(() => rasterizeSvg(renderDocument(theme, 10, 10, []), 0)).toThrow("rasterizeSvg requires a positive scale");
  });
});

describe("encodePng", () => {
  it("stores opaque pixels exactly as resvg's own encoder does", () => {
    const svg = renderDocument(theme, 160, 60, [text("Model −0.42", { x: 10, y: 30, style: { size: 16 }, fill: theme.text })]);
    const image = new Resvg(svg, { font: { loadSystemFonts: false, fontFiles: [FONT_FILES.regular] } }).render();
    const ours = encodePng(image.pixels, image.width, image.height);
    expect(ours).toBeDefined();
    const a = decodePng(ours as Buffer);
    const b = decodePng(image.asPng());
    expect([a.width, a.height]).toEqual([160, 60]);
    expect(a.data.equals(b.data)).toBe(true);
  });

  it("declines translucent pixels, which resvg hands over premultiplied", () => {
    const rgba = Buffer.from([10, 20, 30, 255, 5, 5, 5, 128]);
    expect(encodePng(rgba, 2, 1)).toBeUndefined();
    // A large buffer (its own, aligned: checked a word at a time) and one cut at an odd offset (byte by byte).
    const card = Buffer.alloc(400 * 300 * 4, 255);
    expect(encodePng(card, 400, 300)).toBeDefined();
    for (const alpha of [254, 0]) {
      const one = Buffer.from(card);
      one[(150 * 400 + 123) * 4 + 3] = alpha;
      expect(encodePng(one, 400, 300)).toBeUndefined();
      const odd = Buffer.alloc(one.length + 1);
      one.copy(odd, 1);
      expect(encodePng(odd.subarray(1), 400, 300)).toBeUndefined();
    }
    // Colour bytes of 0 and 255 never pass for alpha.
    const colours = Buffer.alloc(8, 0);
    colours.set([255, 255, 255, 0, 0, 0, 0, 255]);
    expect(encodePng(colours, 2, 1)).toBeUndefined();
  });

  it("leaves a document without an opaque card to resvg's encoder, unpremultiplied", () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"><rect width="4" height="2" fill="#ff0000" fill-opacity="0.5"/></svg>';
    const pixels = decodePng(rasterizeSvg(svg, 1).png);
    expect(pixels.at(1, 1)).toEqual([255, 0, 0, 128]);
  });
});
