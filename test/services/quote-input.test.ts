import { describe, expect, it } from "vitest";
import { quoteInput } from "../../src/services/quote-input.js";

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe("quoteInput", () => {
  it("returns short input unchanged", () => {
    expect(quoteInput("lgbm_1")).toBe("lgbm_1");
  });

  it("cuts long input to max characters with an ellipsis", () => {
    expect(quoteInput("a".repeat(50), 40)).toBe(`${"a".repeat(40)}…`);
  });

  it("never splits an astral character into a lone surrogate", () => {
    const cut = quoteInput(`${"x".repeat(39)}😀😀`, 40);
    expect(cut).toBe(`${"x".repeat(39)}😀…`);
    expect(LONE_SURROGATE.test(cut)).toBe(false);
    expect(quoteInput("😀".repeat(50), 3)).toBe("😀😀😀…");
  });

  it("keeps input that is long in UTF-16 units but short in characters", () => {
    expect(quoteInput("😀".repeat(30), 40)).toBe("😀".repeat(30));
  });
});
