import { describe, expect, it } from "vitest";
import { csvCell, csvRecord, CsvSyntaxError, parseCsv } from "../../src/services/csv.js";

describe("parseCsv", () => {
  it("reads quoted fields, doubled quotes and CRLF, with the line each record starts on", () => {
    const recs = parseCsv('"a","b"\r\n1,"x ""y"""\r\n\r\n2,"multi\nline"\n3,z');
    expect(recs).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["1", 'x "y"'] },
      { line: 4, fields: ["2", "multi\nline"] },
      { line: 6, fields: ["3", "z"] },
    ]);
  });

  it("keeps cells that start with = + - @ as plain data", () => {
    expect(parseCsv("=SUM(A1),+1,-2,@x")[0]?.fields).toEqual(["=SUM(A1)", "+1", "-2", "@x"]);
  });

  it("rejects an unclosed quote and binary data with the line number", () => {
    expect(() => parseCsv('a\n"b')).toThrow(CsvSyntaxError);
    expect(() => parseCsv("a\n\0b")).toThrow(/line 2: binary data/);
  });
});

describe("csvCell", () => {
  it.each([
    ["=HYPERLINK(\"http://x\")", `"'=HYPERLINK(""http://x"")"`],
    ["+cmd", "'+cmd"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\t=1", "'\t=1"],
    ["\r=1", `"'\r=1"`],
  ])("guards %j, which a spreadsheet would run as a formula", (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it("leaves plain numbers alone, as numbers or as decimal strings (NMR amounts)", () => {
    expect([csvCell(-0.0125), csvCell("-0.130781189357151106"), csvCell("+1e-3"), csvCell(0)]).toEqual(["-0.0125", "-0.130781189357151106", "+1e-3", "0"]);
  });

  it("quotes commas, quotes and line breaks as RFC 4180 says, and leaves the rest bare", () => {
    expect([csvCell("a,b"), csvCell('say "hi"'), csvCell("two\nlines"), csvCell("lgbm_1")]).toEqual(['"a,b"', '"say ""hi"""', '"two\nlines"', "lgbm_1"]);
  });

  it("writes undefined numbers as empty fields", () => {
    expect([NaN, Infinity, null, undefined].map(csvCell)).toEqual(["", "", "", ""]);
  });

  it("writes records that parseCsv reads back to the same text (after the guard)", () => {
    const cells = ["a,b", 'q"', "line\nbreak", "=x", "-1", 0.1 + 0.2];
    expect(parseCsv(csvRecord(cells))[0]?.fields).toEqual(["a,b", 'q"', "line\nbreak", "'=x", "-1", "0.30000000000000004"]);
  });
});
