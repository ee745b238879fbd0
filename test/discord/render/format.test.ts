import { describe, expect, it } from "vitest";
import { codeBlockTable, codeName, csvFile, fmt, fmtSigned, linesWithin, modelLink, modelLinksField, modelUrl, pct, safeName, tableLines, utc, zoned } from "../../../src/discord/render/format.js";

describe("fmt", () => {
  it.each([
    [0.123456, 3, "0.123"],
    [-0.0004, 3, "0.000"],
    [-0.0006, 3, "-0.001"],
    [NaN, 2, "n/a"],
    [Infinity, 2, "n/a"],
    [-Infinity, 2, "n/a"],
    [null, 2, "n/a"],
    [undefined, 2, "n/a"],
  ])("formats %s with %i decimals as %s", (x, digits, out) => {
    expect(fmt(x, digits)).toBe(out);
  });
});

describe("fmtSigned", () => {
  it("adds + to positive numbers only", () => {
    expect([fmtSigned(0.04, 2), fmtSigned(-0.04, 2), fmtSigned(0.0001, 2), fmtSigned(NaN)]).toEqual(["+0.04", "-0.04", "0.00", "n/a"]);
  });
});

describe("pct", () => {
  it("formats fractions as percentages and undefined values as n/a", () => {
    expect([pct(0.125), pct(1, 0), pct(NaN)]).toEqual(["12.5%", "100%", "n/a"]);
  });
});

describe("safeName", () => {
  it("escapes markdown, makes mentions inert and keeps names on one line", () => {
    expect(safeName("**a_b**")).toBe("\\*\\*a\\_b\\*\\*");
    expect(safeName("@everyone")).toBe("@\u200beveryone");
    expect(safeName("# title\nnext")).toBe("\\# title next");
  });

  it("cuts long names before escaping so no escape is split", () => {
    expect(safeName("_".repeat(100), 10)).toBe(`${"\\_".repeat(9)}…`);
    expect(safeName("x____y____z")).toBe("x\\_\\_\\_\\_y\\_\\_\\_\\_z");
    expect(safeName("> quote")).toBe("\\> quote");
  });
});

describe("codeName", () => {
  it("removes backticks and line breaks that would break a code block", () => {
    expect(codeName("```x\ny```", 40)).toBe("ˋˋˋx yˋˋˋ");
  });
});

describe("codeBlockTable", () => {
  const t = { headers: ["model", "ρ"], rows: [["a", "0.91"], ["bbbb", "-0.10"], ["c", "n/a"]] };

  it("pads columns: the first to the left, the rest to the right", () => {
    expect(tableLines(t)).toEqual(["model      ρ", "-----  -----", "a       0.91", "bbbb   -0.10", "c        n/a"]);
  });

  it("keeps whole rows within the character budget and reports how many fit", () => {
    const full = codeBlockTable(t, 1000);
    expect(full.shown).toBe(3);
    const cut = codeBlockTable(t, full.text.length - 1);
    expect(cut.shown).toBe(2);
    expect(cut.text.length).toBeLessThanOrEqual(full.text.length - 1);
    expect(cut.text.endsWith("```")).toBe(true);
  });
});

describe("csvFile", () => {
  it("quotes where needed, guards spreadsheet formulas and leaves undefined numbers empty", () => {
    const f = csvFile("x.csv", ["model", "value"], [["=cmd()", 0.5], ['a,"b"', NaN], ["-x", null]]);
    expect(f.data.toString("utf8")).toBe("model,value\n'=cmd(),0.5\n\"a,\"\"b\"\"\",\n'-x,\n");
  });
});

describe("linesWithin", () => {
  it("stops before the budget and says how many lines were left out", () => {
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i}`);
    const out = linesWithin(lines, 60);
    expect(out.length).toBeLessThanOrEqual(60);
    expect(out).toMatch(/…and \d+ more$/);
    const shown = out.split("\n").length - 1;
    expect(out.endsWith(`…and ${50 - shown} more`)).toBe(true);
  });

  it("returns every line when they fit", () => {
    expect(linesWithin(["a", "b"], 10)).toBe("a\nb");
  });
});

describe("zoned", () => {
  // python zoneinfo: 2026-06-04 23:30 UTC is 09:00 on 2026-06-05 in Adelaide (+9:30); 2026-03-29 01:00 UTC is 03:00 CEST in Paris.
  it.each([
    ["2026-06-04T23:30:00Z", "Australia/Adelaide", "2026-06-05 09:00 Australia/Adelaide (2026-06-04 23:30 UTC)"],
    ["2026-03-29T01:00:00Z", "Europe/Paris", "2026-03-29 03:00 Europe/Paris (2026-03-29 01:00 UTC)"],
    ["2026-03-29T00:59:00Z", "Europe/Paris", "2026-03-29 01:59 Europe/Paris (2026-03-29 00:59 UTC)"],
    ["2026-11-01T04:00:00Z", "America/New_York", "2026-11-01 00:00 America/New_York (2026-11-01 04:00 UTC)"],
    ["2026-06-01T13:00:00Z", "UTC", "2026-06-01 13:00 UTC"],
  ])("shows %s on the wall clock of %s, with UTC beside it", (at, zone, text) => {
    expect(zoned(new Date(at), zone)).toBe(text);
  });

  it("reads n/a for an invalid date, like utc()", () => {
    expect(zoned(new Date(NaN), "Europe/Paris")).toBe(utc(new Date(NaN)));
  });
});

describe("modelUrl", () => {
  it("is the model's page on numer.ai", () => {
    expect(modelUrl("alpha_one")).toBe("https://numer.ai/alpha_one");
  });

  it.each(["a b", "x)(y", "[evil](https://example.com)", "", "a".repeat(65)])("is null for a name numer.ai cannot serve: %s", (name) => {
    expect(modelUrl(name)).toBeNull();
  });
});

describe("modelLink", () => {
  it("links the escaped name, and leaves an odd name unlinked and inert", () => {
    expect(modelLink("alpha_one")).toBe("[alpha\\_one](https://numer.ai/alpha_one)");
    // Not linked by us, and its own masked link is escaped ("\\[x](…)" shows as text).
    expect(modelLink("[x](https://example.com)")).toBe(safeName("[x](https://example.com)"));
    expect(modelLink("[x](https://example.com)").startsWith("\\[")).toBe(true);
  });
});

describe("modelLinksField", () => {
  it("fits 200 long names in one field's 1024 characters and says how many were left", () => {
    const names = Array.from({ length: 200 }, (_, i) => `v52_lgbm_teager_model_${i}`);
    const f = modelLinksField(names);
    expect(f.value.length).toBeLessThanOrEqual(1024);
    const shown = (f.value.match(/https:\/\/numer\.ai\//g) ?? []).length;
    expect(f.value).toMatch(new RegExp(`…and ${200 - shown} more$`));
  });
});
