import { describe, expect, it } from "vitest";
import { THEMES, divergingColor, readableTextOn, seriesStyle } from "../../../../src/discord/render/charts/theme.js";

describe("divergingColor", () => {
  for (const theme of Object.values(THEMES)) {
    it(`hits the ${theme.name} theme's stops at −1, 0 and +1 and clamps beyond`, () => {
      const [low, mid, high] = theme.diverging;
      expect(divergingColor(theme, -1)).toBe(low.toLowerCase());
      expect(divergingColor(theme, 0)).toBe(mid.toLowerCase());
      expect(divergingColor(theme, 1)).toBe(high.toLowerCase());
      expect(divergingColor(theme, 7)).toBe(high.toLowerCase());
      expect(divergingColor(theme, -7)).toBe(low.toLowerCase());
    });
  }

  it("gives NaN the missing-data fill", () => {
    expect(divergingColor(THEMES.dark, Number.NaN)).toBe(THEMES.dark.missingFill);
  });

  it("moves monotonically away from the neutral stop as |r| grows", () => {
    const channelDistance = (a: string, b: string): number => {
      const pa = Number.parseInt(a.slice(1), 16);
      const pb = Number.parseInt(b.slice(1), 16);
      return [16, 8, 0].reduce((s, sh) => s + Math.abs(((pa >> sh) & 255) - ((pb >> sh) & 255)), 0);
    };
    const mid = THEMES.light.diverging[1];
    const distances = [0.2, 0.4, 0.6, 0.8, 1].map((r) => channelDistance(divergingColor(THEMES.light, r), mid));
    expect([...distances].sort((a, b) => a - b)).toEqual(distances);
  });
});

describe("readableTextOn", () => {
  it("picks white on dark and near-black on light backgrounds", () => {
    expect(readableTextOn("#000000")).toBe("#ffffff");
    expect(readableTextOn("#2c6fcf")).toBe("#ffffff");
    expect(readableTextOn("#ffffff")).toBe("#111214");
    expect(readableTextOn("#f4f4f5")).toBe("#111214");
  });
});

describe("seriesStyle", () => {
  it("gives ten series ten distinct colour/dash combinations", () => {
    for (const theme of Object.values(THEMES)) {
      const styles = Array.from({ length: 10 }, (_, i) => seriesStyle(theme, i));
      expect(new Set(styles.map((s) => `${s.color}|${s.dash ?? ""}`)).size).toBe(10);
      expect(styles.slice(0, theme.palette.length).every((s) => s.dash === undefined)).toBe(true);
    }
  });
});
