import { ApplicationCommandOptionType } from "discord.js";
import { describe, expect, it } from "vitest";
import { commands } from "../../../commands/index.js";
import { HELP_COMMANDS, README_URL, renderHelp } from "../../../src/discord/render/help.js";
import { allText, expectWellFormed } from "./render-fixtures.js";

describe("renderHelp", () => {
  it("renders within limits (snapshot)", () => {
    const payload = renderHelp();
    expectWellFormed(payload);
    expect(payload).toMatchSnapshot();
  });

  it("covers every registered command and every subcommand", () => {
    const text = allText(renderHelp());
    expect(HELP_COMMANDS.map((c) => c.name).sort()).toEqual(commands.map((c) => c.data.name).sort());
    for (const c of commands) {
      const json = c.data.toJSON();
      const subs = (json.options ?? []).filter((o) => o.type === ApplicationCommandOptionType.Subcommand).map((o) => o.name);
      if (subs.length === 0) expect(text).toContain(`/${json.name}`);
      for (const sub of subs) expect(text).toContain(`/${json.name} ${sub}`);
    }
  });

  it("links to the README", () => {
    expect(allText(renderHelp())).toContain(README_URL);
  });
});
