import { describe, expect, it } from "vitest";
import { CsvSyntaxError, parseCsv } from "../../src/services/csv.js";

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
