import { ApplicationCommandOptionType } from "discord.js";
import { describe, expect, expectTypeOf, it } from "vitest";
import { argumentsOf, choiceRefusal, toRequestBody, type ArgumentsOf } from "../../src/discord/arguments.js";
import type { CommandOptions } from "../../src/discord/command.js";
import { UserFacingError } from "../../src/errors.js";
import { optionsFromParsed, parseLine } from "../../src/shell/parse-line.js";
import { command as correlation } from "../../commands/correlation.js";
import { command as models } from "../../commands/models.js";

const flat = {
  name: "flat",
  description: "d",
  options: [
    { type: ApplicationCommandOptionType.String, name: "method", description: "d", choices: [{ name: "a", value: "pearson" }, { name: "b", value: "spearman" }] },
    { type: ApplicationCommandOptionType.Integer, name: "rounds", description: "d", required: true },
    { type: ApplicationCommandOptionType.Boolean, name: "public", description: "d" },
  ],
} as const;

const nested = {
  name: "nested",
  description: "d",
  options: [
    { type: ApplicationCommandOptionType.Subcommand, name: "add", description: "d", options: [{ type: ApplicationCommandOptionType.String, name: "name", description: "d", required: true }] },
    { type: ApplicationCommandOptionType.Subcommand, name: "list", description: "d" },
  ],
} as const;

/** Options as the shell builds them from a typed line, against the same definitions. */
function optionsOf(line: string, ...definitions: { name: string; description: string }[]): CommandOptions {
  const map = new Map(definitions.map((d) => [d.name, toRequestBody(d)]));
  return optionsFromParsed(parseLine(line, map, () => ({ name: "x.csv", url: "file:///x.csv", size: 1, contentType: null })));
}

describe("ArgumentsOf", () => {
  it("types options by name: required ones present, choices as their values", () => {
    expectTypeOf<ArgumentsOf<typeof flat>>().toEqualTypeOf<{ readonly rounds: number } & { readonly method?: "pearson" | "spearman"; readonly public?: boolean }>();
  });

  it("types a command of subcommands as a union discriminated by subcommand", () => {
    type A = ArgumentsOf<typeof nested>;
    expectTypeOf<Extract<A, { subcommand: "add" }>["name"]>().toEqualTypeOf<string>();
    expectTypeOf<A["subcommand"]>().toEqualTypeOf<"add" | "list">();
  });
});

describe("argumentsOf", () => {
  it("reads each declared option by its type and leaves absent ones out", () => {
    expect(argumentsOf(flat, optionsOf("/flat rounds:20 method:spearman", flat))).toEqual({ rounds: 20, method: "spearman" });
    expect(argumentsOf(flat, optionsOf("/flat rounds:5 public:true", flat))).toEqual({ rounds: 5, public: true });
  });

  it("reads the chosen subcommand's options under `subcommand`", () => {
    expect(argumentsOf(nested, optionsOf("/nested add name:x", nested))).toEqual({ subcommand: "add", name: "x" });
    expect(argumentsOf(nested, optionsOf("/nested list", nested))).toEqual({ subcommand: "list" });
  });

  it("refuses, as a user-facing error, what Discord would refuse but a hand-made invocation may carry", () => {
    const none: CommandOptions = {
      getSubcommand: () => null,
      getSubcommandGroup: () => null,
      getString: (name) => (name === "method" ? "kendall" : null),
      getInteger: (name) => (name === "rounds" ? 3 : null),
      getNumber: () => null,
      getBoolean: () => null,
      getAttachment: () => null,
    };
    expect(() => argumentsOf(flat, none)).toThrow(new UserFacingError("method must be one of: pearson, spearman"));
    expect(() => argumentsOf(nested, none)).toThrow(new UserFacingError("Use /nested add, list."));
    expect(() => argumentsOf({ ...flat, options: [flat.options[1]] }, { ...none, getInteger: () => null })).toThrow(new UserFacingError("Missing required option rounds."));
  });

  it("says nothing of a value among the choices or an option without any", () => {
    expect(choiceRefusal(flat.options[0], "pearson")).toBeNull();
    expect(choiceRefusal(flat.options[1], 7)).toBeNull();
  });
});

describe("command definitions", () => {
  it("deploy as Discord's JSON, the same object the arguments are read from", () => {
    const body = correlation.data.toJSON();
    expect(body.name).toBe("correlation");
    expect(body.options?.map((o) => o.name)).toEqual(["score", "rounds", "missing", "method", "public"]);
    const weightSource = models.data.toJSON().options?.find((o) => o.name === "weight-source") as { options?: { name: string; required?: boolean }[] } | undefined;
    expect(weightSource?.options?.[0]).toMatchObject({ name: "source", required: true });
  });
});
