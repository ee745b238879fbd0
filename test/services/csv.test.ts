import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { csvCell, csvRecord, CsvSyntaxError, parseCsv, readCsvFile, type CsvRecord } from "../../src/services/csv.js";

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

describe("readCsvFile", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const file = (content: string | Buffer) => {
    const dir = mkdtempSync(join(tmpdir(), "modelfolio-csv-"));
    dirs.push(dir);
    const path = join(dir, "in.csv");
    writeFileSync(path, content);
    return path;
  };
  const read = (path: string, chunkBytes: number) => {
    const out: CsvRecord[] = [];
    readCsvFile(path, (r) => out.push(r), chunkBytes);
    return out;
  };

  // Every chunk size from 1 byte puts each quote, doubled quote, CRLF and multi-byte character on a chunk edge somewhere.
  it("reads the same records as parseCsv whatever the chunk size, with a BOM, CRLF, quotes and multi-byte UTF-8", () => {
    const text = '\ufeff"model","round"\r\nzoë,"say ""hi"""\r\n\r\n😀,"multi\r\nline"\rlast,""\n"",x';
    const path = file(text);
    const expected = parseCsv(text);
    expect(expected).toHaveLength(5);
    for (let chunk = 1; chunk <= 12; chunk++) expect(read(path, chunk), `chunk of ${chunk} bytes`).toEqual(expected);
    expect(read(path, 1 << 20)).toEqual(expected);
  });

  it("rejects bytes that are not UTF-8, naming the line", () => {
    const path = file(Buffer.concat([Buffer.from("a,b\n1,2\n"), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from("\n")]));
    expect(() => read(path, 4)).toThrow(CsvSyntaxError);
    expect(() => read(path, 4)).toThrow(/line 3: the file is not UTF-8 text/);
  });

  it("rejects an unclosed quote at the end of the file", () => {
    expect(() => read(file('a\n"b'), 1)).toThrow(/line 2: a quoted field is never closed/);
  });
});
