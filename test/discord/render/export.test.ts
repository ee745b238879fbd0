import { describe, expect, it } from "vitest";
import { EXPORT_FILE_NAME, renderExport } from "../../../src/discord/render/export.js";
import { limitViolations } from "../../../src/discord/render/payload.js";

describe("renderExport", () => {
  it("attaches the CSV and says how many scores of which models", () => {
    const data = Buffer.from("model,round,score,value\r\nalpha_one,900,canon_corr,0.01\r\n");
    const p = renderExport({ fits: true, models: ["alpha_one", "beta_main"], rows: 1, data });
    expect(p.files?.map((f) => [f.name, f.data])).toEqual([[EXPORT_FILE_NAME, data]]);
    expect(p.content).toMatch(/^1 stored score of 2 models \(alpha\\_one, beta\\_main\)/);
    expect(limitViolations(p)).toEqual([]);
  });

  it("names the limit and the CLI command with the caller's id when the file is too large", () => {
    const p = renderExport({ fits: false, models: ["a"], maxBytes: 10 * 1024 * 1024, userId: "300000000000000002" });
    expect(p.files).toBeUndefined();
    expect(p.content).toMatch(/larger than the 10\.0 MiB Discord lets a bot attach/);
    expect(p.content).toContain("`modelfolio export --user 300000000000000002 --out scores.csv`");
    expect(limitViolations(p)).toEqual([]);
  });

  it("sends no file when the models have no stored scores yet", () => {
    const p = renderExport({ fits: true, models: ["a"], rows: 0, data: Buffer.from("header\r\n") });
    expect(p.files).toBeUndefined();
    expect(p.content).toMatch(/^Your 1 model \(a\) has no stored scores yet/);
  });
});
