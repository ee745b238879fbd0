/**
 * Parses a shell line like `/correlation score:canon_mmc rounds:100 public:true` or
 * `/models add name:integration_test` against a command's JSON definition, with the same types
 * and choices Discord enforces, so the shell rejects what Discord would reject.
 */
import {
  ApplicationCommandOptionType,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
import { UserFacingError } from "../errors.js";
import type { AttachmentInput, CommandOptions } from "../discord/command.js";
import { choiceRefusal, missingRequired } from "../discord/arguments.js";

export interface ParsedLine {
  readonly commandName: string;
  readonly subcommandGroup: string | null;
  readonly subcommand: string | null;
  readonly values: ReadonlyMap<string, string | number | boolean | AttachmentInput>;
}

/** Splits on spaces, keeping "quoted values" and key:"quoted values" whole. */
export function tokenize(line: string): string[] {
  const tokens: string[] = [];
  const re = /(\S+?:"[^"]*"|"[^"]*"|\S+)/g;
  for (const m of line.matchAll(re)) tokens.push((m[1] as string).replace(/^([^"]*?):"(.*)"$/s, "$1:$2").replace(/^"(.*)"$/s, "$1"));
  return tokens;
}

export function parseLine(
  line: string,
  definitions: ReadonlyMap<string, RESTPostAPIChatInputApplicationCommandsJSONBody>,
  attachmentFor: (path: string) => AttachmentInput,
): ParsedLine {
  const tokens = tokenize(line.trim());
  const head = tokens.shift();
  if (!head?.startsWith("/")) throw new UserFacingError('Commands start with "/", e.g. /help');
  const commandName = head.slice(1).toLowerCase();
  const def = definitions.get(commandName);
  if (!def) throw new UserFacingError(`Unknown command /${commandName}. Try /help.`);
  let options: readonly APIApplicationCommandOption[] = def.options ?? [];
  let subcommandGroup: string | null = null;
  let subcommand: string | null = null;
  const pickSub = (type: ApplicationCommandOptionType) => {
    const subs = options.filter((o) => o.type === type);
    if (subs.length === 0) return null;
    const name = tokens.shift();
    const sub = subs.find((o) => o.name === name);
    if (!sub) throw new UserFacingError(`/${commandName} takes one of: ${subs.map((s) => s.name).join(", ")}`);
    options = "options" in sub ? (sub.options ?? []) : [];
    return sub.name;
  };
  subcommandGroup = pickSub(ApplicationCommandOptionType.SubcommandGroup);
  subcommand = pickSub(ApplicationCommandOptionType.Subcommand);
  const basic = options as readonly APIApplicationCommandBasicOption[];
  const values = new Map<string, string | number | boolean | AttachmentInput>();
  for (const token of tokens) {
    const colon = token.indexOf(":");
    if (colon <= 0) throw new UserFacingError(`"${token}" is not name:value. Options: ${basic.map((o) => o.name).join(", ") || "none"}`);
    const name = token.slice(0, colon);
    const raw = token.slice(colon + 1);
    const opt = basic.find((o) => o.name === name);
    if (!opt) throw new UserFacingError(`/${commandName} has no option "${name}". Options: ${basic.map((o) => o.name).join(", ") || "none"}`);
    values.set(name, convert(opt, raw, attachmentFor));
  }
  for (const opt of basic) {
    if (opt.required && !values.has(opt.name)) throw new UserFacingError(missingRequired(opt.name));
  }
  return { commandName, subcommandGroup, subcommand, values };
}

function convert(
  opt: APIApplicationCommandBasicOption,
  raw: string,
  attachmentFor: (path: string) => AttachmentInput,
): string | number | boolean | AttachmentInput {
  const choices = "choices" in opt ? opt.choices : undefined;
  let value: string | number | boolean | AttachmentInput;
  switch (opt.type) {
    case ApplicationCommandOptionType.Integer:
    case ApplicationCommandOptionType.Number: {
      const n = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(n) || (opt.type === ApplicationCommandOptionType.Integer && !Number.isInteger(n))) {
        throw new UserFacingError(`${opt.name} must be ${opt.type === ApplicationCommandOptionType.Integer ? "a whole number" : "a number"}.`);
      }
      if (opt.min_value !== undefined && n < opt.min_value) throw new UserFacingError(`${opt.name} must be at least ${opt.min_value}.`);
      if (opt.max_value !== undefined && n > opt.max_value) throw new UserFacingError(`${opt.name} must be at most ${opt.max_value}.`);
      value = n;
      break;
    }
    case ApplicationCommandOptionType.Boolean:
      if (raw !== "true" && raw !== "false") throw new UserFacingError(`${opt.name} must be true or false.`);
      value = raw === "true";
      break;
    case ApplicationCommandOptionType.Attachment:
      value = attachmentFor(raw);
      break;
    default:
      if (opt.type === ApplicationCommandOptionType.String) {
        if (opt.max_length !== undefined && raw.length > opt.max_length) throw new UserFacingError(`${opt.name} is longer than ${opt.max_length} characters.`);
      }
      value = raw;
  }
  const refusal = choiceRefusal({ name: opt.name, ...(choices ? { choices } : {}) }, value);
  if (refusal !== null) throw new UserFacingError(refusal);
  return value;
}

export function optionsFromParsed(p: ParsedLine): CommandOptions {
  const get = <T>(name: string, check: (v: unknown) => boolean) => {
    const v = p.values.get(name);
    return v !== undefined && check(v) ? (v as T) : null;
  };
  return {
    getSubcommand: () => p.subcommand,
    getSubcommandGroup: () => p.subcommandGroup,
    getString: (n) => get<string>(n, (v) => typeof v === "string"),
    getInteger: (n) => get<number>(n, (v) => typeof v === "number"),
    getNumber: (n) => get<number>(n, (v) => typeof v === "number"),
    getBoolean: (n) => get<boolean>(n, (v) => typeof v === "boolean"),
    getAttachment: (n) => get<AttachmentInput>(n, (v) => typeof v === "object"),
  };
}
