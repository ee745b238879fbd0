/**
 * A command's options typed from its definition (as discord-utils-bot's `argumentsOf` does): each
 * command file declares its options once, as a `const` object in Discord's JSON shape, and the
 * type of what `execute` receives is derived from it — names, optionality and choice values — so
 * a renamed option or a new choice cannot drift from the code that reads it.
 */
import { ApplicationCommandOptionType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord.js";
import { UserFacingError } from "../errors.js";
import type { AttachmentInput, CommandOptions } from "./command.js";

type Choices = readonly { readonly name: string; readonly value: string | number }[];

/** One option in Discord's JSON shape (the fields this bot uses). */
export interface OptionDefinition {
  readonly type: ApplicationCommandOptionType;
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
  readonly choices?: Choices;
  readonly options?: readonly OptionDefinition[];
  readonly autocomplete?: boolean;
  readonly min_value?: number;
  readonly max_value?: number;
  readonly min_length?: number;
  readonly max_length?: number;
  readonly channel_types?: readonly number[];
}

/** A slash command in Discord's JSON shape: what is deployed and what the shell parses against. */
export interface CommandDefinition {
  readonly name: string;
  readonly description: string;
  readonly options?: readonly OptionDefinition[];
  /** Permission bits a member needs to see the command (Discord's client-side filter; the server checks again). */
  readonly default_member_permissions?: string;
  /** Where the command is offered (InteractionContextType values). */
  readonly contexts?: readonly number[];
}

type T = typeof ApplicationCommandOptionType;

type ValueOf<O> = O extends { readonly type: T["String"] }
  ? O extends { readonly choices: readonly { readonly value: infer V }[] }
    ? V
    : string
  : O extends { readonly type: T["Integer"] | T["Number"] }
    ? O extends { readonly choices: readonly { readonly value: infer V }[] }
      ? V
      : number
    : O extends { readonly type: T["Boolean"] }
      ? boolean
      : O extends { readonly type: T["Attachment"] }
        ? AttachmentInput
        : O extends { readonly type: T["User"] | T["Channel"] | T["Role"] | T["Mentionable"] }
          ? string
          : never;

/** Required options as keys, the rest optional. */
export type OptionArguments<Os extends readonly OptionDefinition[]> = {
  readonly [O in Os[number] as O extends { readonly required: true } ? O["name"] : never]: ValueOf<O>;
} & {
  readonly [O in Os[number] as O extends { readonly required: true } ? never : O["name"]]?: ValueOf<O>;
};

type SubcommandArguments<S> = S extends { readonly type: T["Subcommand"]; readonly name: infer N }
  ? { readonly subcommand: N } & OptionArguments<S extends { readonly options: infer Os extends readonly OptionDefinition[] } ? Os : readonly []>
  : never;

/**
 * What a command's `execute` receives: its options by name, or for a command of subcommands a
 * union discriminated by `subcommand`.
 */
export type ArgumentsOf<D extends CommandDefinition> = D extends { readonly options: infer Os extends readonly OptionDefinition[] }
  ? Os[number] extends { readonly type: T["Subcommand"] }
    ? SubcommandArguments<Os[number]>
    : OptionArguments<Os>
  : Record<never, never>;

function readValue(option: OptionDefinition, options: CommandOptions): unknown {
  switch (option.type) {
    case ApplicationCommandOptionType.String:
      return options.getString(option.name);
    case ApplicationCommandOptionType.Integer:
      return options.getInteger(option.name);
    case ApplicationCommandOptionType.Number:
      return options.getNumber(option.name);
    case ApplicationCommandOptionType.Boolean:
      return options.getBoolean(option.name);
    case ApplicationCommandOptionType.Attachment:
      return options.getAttachment(option.name);
    default:
      throw new Error(`option type ${option.type} of ${option.name} is not read by argumentsOf`);
  }
}

function readOptions(definitions: readonly OptionDefinition[], options: CommandOptions): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const option of definitions) {
    const value = readValue(option, options);
    if (value === null || value === undefined) {
      // Discord and the shell refuse this before; a replayed or hand-made invocation may not.
      if (option.required === true) throw new UserFacingError(missingRequired(option.name));
      continue;
    }
    const refusal = choiceRefusal(option, value);
    if (refusal !== null) throw new UserFacingError(refusal);
    args[option.name] = value;
  }
  return args;
}

/** The refusal of an invocation that leaves out a required option (the shell says it too). */
export const missingRequired = (name: string): string => `Missing required option ${name}.`;

/** Why `value` is not one of the option's choices, or null when it is (or the option has none). Discord enforces this too; the shell and a replayed view do not. */
export function choiceRefusal(option: Pick<OptionDefinition, "name" | "choices">, value: unknown): string | null {
  const choices = option.choices;
  if (!choices || choices.length === 0 || choices.some((c) => c.value === value)) return null;
  return `${option.name} must be one of: ${choices.map((c) => c.value).join(", ")}`;
}

/** The options of one invocation as the object `ArgumentsOf<D>` describes. */
export function argumentsOf<const D extends CommandDefinition>(definition: D, options: CommandOptions): ArgumentsOf<D> {
  const top = definition.options ?? [];
  if (top.length > 0 && top.every((o) => o.type === ApplicationCommandOptionType.Subcommand)) {
    const name = options.getSubcommand();
    const sub = top.find((o) => o.name === name);
    if (!sub) throw new UserFacingError(`Use /${definition.name} ${top.map((o) => o.name).join(", ")}.`);
    return { subcommand: sub.name, ...readOptions(sub.options ?? [], options) } as unknown as ArgumentsOf<D>;
  }
  return readOptions(top, options) as unknown as ArgumentsOf<D>;
}

/**
 * The definition as the body Discord's API takes. The readonly `const` shape is the same JSON;
 * only TypeScript's mutable-array types differ.
 */
export function toRequestBody(definition: CommandDefinition): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return structuredClone(definition) as unknown as RESTPostAPIChatInputApplicationCommandsJSONBody;
}
