import { describe, expect, it } from "vitest";
import { escapeXml, formatFixed, linearScale, niceTicks, num, text } from "../../../../src/discord/render/charts/svg.js";

describe("escapeXml", () => {
  it("escapes the five XML special characters", () => {
    expect(escapeXml(`<script>&"'`)).toBe("&lt;script&gt;&amp;&quot;&apos;");
  });

  it("drops characters XML 1.0 forbids and flattens line breaks to spaces", () => {
    expect(escapeXml("a\u0000b\u0007c\uFFFEd\nx\r\ny")).toBe("abcd x y");
  });

  it("keeps astral characters but drops lone surrogates", () => {
    expect(escapeXml("🚀 model")).toBe("🚀 model");
    expect(escapeXml("a\uD800b\uDC00c")).toBe("abc");
  });
});

describe("num", () => {
  it.each([
    [1.005, "1"],
    [12.3456, "12.35"],
    [-0.001, "0"],
    [300, "300"],
  ])("prints %d as %s", (value, expected) => {
    expect(num(value)).toBe(expected);
  });
});

describe("formatFixed", () => {
  it.each([
    [-0.5, 2, "\u22120.50"],
    [0.456, 2, "0.46"],
    [-0.001, 2, "0.00"],
    [1050, 0, "1050"],
    [Number.NaN, 2, "n/a"],
    [Number.POSITIVE_INFINITY, 2, "n/a"],
  ])("formats %d with %d decimals as %s", (value, decimals, expected) => {
    expect(formatFixed(value, decimals)).toBe(expected);
  });
});

describe("linearScale", () => {
  it("maps the domain onto the range, including inverted ranges", () => {
    const y = linearScale([0, 10], [300, 100]);
    expect(y(0)).toBe(300);
    expect(y(10)).toBe(100);
    expect(y(2.5)).toBe(250);
  });
});

describe("niceTicks", () => {
  it.each([
    { lo: 0, hi: 1, target: 6, values: [0, 0.2, 0.4, 0.6, 0.8, 1] },
    { lo: -0.05, hi: 0.15, target: 6, values: [-0.05, 0, 0.05, 0.1, 0.15] },
    { lo: 812, hi: 1050, target: 8, values: [800, 850, 900, 950, 1000, 1050] },
    { lo: 0, hi: 0.3, target: 4, values: [0, 0.1, 0.2, 0.3] },
    { lo: -1, hi: 1, target: 5, values: [-1, -0.5, 0, 0.5, 1] },
    { lo: 0, hi: 247, target: 4, values: [0, 100, 200, 300] },
  ])("covers [$lo, $hi] with 1-2-5 steps: $values", ({ lo, hi, target, values }) => {
    const ticks = niceTicks(lo, hi, target);
    expect(ticks.values).toEqual(values);
    expect(ticks.min).toBeLessThanOrEqual(lo);
    expect(ticks.max).toBeGreaterThanOrEqual(hi);
  });

  it("widens a degenerate interval around the single value", () => {
    const ticks = niceTicks(3, 3);
    expect(ticks.min).toBeLessThan(3);
    expect(ticks.max).toBeGreaterThan(3);
    expect(ticks.values.length).toBeGreaterThanOrEqual(2);
  });

  it("reports the decimals needed to print every tick exactly", () => {
    expect(niceTicks(0, 0.3, 4).decimals).toBe(1);
    expect(niceTicks(-0.05, 0.15, 6).decimals).toBe(2);
    expect(niceTicks(800, 1050, 8).decimals).toBe(0);
  });
});

describe("text", () => {
  it("escapes user text and truncates it with an ellipsis", () => {
    const markup = text(`<b>&"${"x".repeat(200)}`, { x: 0, y: 0, style: { size: 12 }, fill: "#fff", maxWidth: 80 });
    expect(markup).toMatch(/^<path aria-label="&lt;b&gt;&amp;&quot;x+…" [^>]*d="M[^"]+"\/>$/);
  });

  it("draws text that needs no shaping as one path of glyph outlines", () => {
    const markup = text("Model −0.42 Ωж", { x: 10, y: 20, style: { size: 13, bold: true }, fill: "#fff", anchor: "end", rotate: -45 });
    expect(markup).not.toContain("<text");
    expect(markup).toMatch(/^<path aria-label="Model −0.42 Ωж" transform="rotate\(-45 10 20\) translate\([\d.-]+ 20\) scale\([\d.]+ -[\d.]+\)" fill="#fff" d="M/);
  });

  it.each([
    ["a character the font lacks", "モデル"],
    ["a combining mark", "cafe\u0301"],
    ["a script that needs shaping", "مرحبا"],
  ])("leaves text with %s to resvg as <text>", (_, content) => {
    const markup = text(content, { x: 0, y: 0, style: { size: 12 }, fill: "#fff" });
    expect(markup).toBe(`<text x="0" y="0" font-size="12" fill="#fff">${content}</text>`);
  });

  it("draws nothing for blank text", () => {
    expect(text("  ", { x: 0, y: 0, style: { size: 12 }, fill: "#fff" })).toBe("");
  });
});
