/**
 * The layering is enforced by eslint.config.js, not remembered: each rule is run on a line that
 * breaks it, in a file of the layer it guards (lintText: nothing is written).
 */
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";

// Without type information: the import rules do not need it, and building it takes ~20 s.
const eslint = new ESLint({ cwd: new URL("../..", import.meta.url).pathname, overrideConfig: [tseslint.configs.disableTypeChecked] });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("eslint.config.js layering", () => {
  it.each<[string, string, string, RegExp]>([
    ["commands may not import src/db", "commands/help.ts", 'import { openDatabase } from "../src/db/open.js";\nexport const x = openDatabase;\n', /database is the services' business/],
    ["services may not import discord.js", "src/services/quote-input.ts", 'import { escapeMarkdown } from "discord.js";\nexport const x = escapeMarkdown;\n', /no discord\.js/],
    ["services may not import src/discord", "src/services/quote-input.ts", 'import { safeName } from "../discord/render/format.js";\nexport const x = safeName;\n', /nothing of src\/discord/],
    ["analytics may not import the app", "src/analytics/sharpe.ts", 'import { UserFacingError } from "../errors.js";\nexport const x = UserFacingError;\n', /nothing of the app/],
    ["analytics may not import a library with I/O", "src/analytics/sharpe.ts", 'import { z } from "zod";\nexport const x = z;\n', /is pure/],
  ])("%s", async (_, filePath, code, message) => {
    const messages = await restrictedImports(filePath, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(message);
  });

  it("lets each layer import what it may", async () => {
    expect(await restrictedImports("commands/help.ts", 'import { renderHelp } from "../src/discord/render/help.js";\nexport const x = renderHelp;\n')).toEqual([]);
    expect(await restrictedImports("src/services/quote-input.ts", 'import { sharpe } from "../analytics/sharpe.js";\nexport const x = sharpe;\n')).toEqual([]);
    expect(await restrictedImports("src/analytics/sharpe.ts", 'import { mean } from "./moments.js";\nexport const x = mean;\n')).toEqual([]);
  });
});
