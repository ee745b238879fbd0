/**
 * The command contract. Command files in commands/ are Discord glue: parse options, call one
 * service, render. They see the caller and options through these small interfaces, which the
 * Discord router fills from real discord.js interactions and the offline shell fills from a
 * typed line — so both run the same commands, router and renderers.
 */
import type { APIApplicationCommandOptionChoice, RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord.js";
import type { AppContext } from "../context.js";
import { argumentsOf, toRequestBody, type ArgumentsOf, type CommandDefinition } from "./arguments.js";
import type { MessagePayload } from "./render/payload.js";
import type { Renderer } from "./render-pool.js";
import type { AnalysisKind, AnalysisRequest } from "./analyses.js";
import type { ViewState } from "./view-state.js";

export interface AttachmentInput {
  readonly name: string;
  readonly url: string;
  readonly size: number;
  readonly contentType: string | null;
}

export interface CommandOptions {
  getSubcommand(): string | null;
  getSubcommandGroup(): string | null;
  getString(name: string): string | null;
  getInteger(name: string): number | null;
  getNumber(name: string): number | null;
  getBoolean(name: string): boolean | null;
  getAttachment(name: string): AttachmentInput | null;
}

export interface Caller {
  readonly userId: string;
  readonly guildId: string | null;
  readonly channelId: string | null;
  /** Checked on the server side: Manage Server in this guild, or listed in ADMIN_USER_IDS. */
  readonly isAdmin: boolean;
  /** Listed in ADMIN_USER_IDS (some admin actions, like backfilling every model, need this). */
  readonly isGlobalAdmin: boolean;
  /** Manage Channels in this guild (channel digests). */
  readonly canManageChannels: boolean;
  /** The kind of channel the command was used in, when known (forum threads need it). */
  readonly channelType: number | null;
  /** For a thread: its parent channel (a forum post's forum), else null. */
  readonly parentChannelId?: string | null;
  readonly parentChannelType?: number | null;
  /** The largest file the reply may carry, as Discord states it for this interaction (boosts raise it); unknown in the shell. */
  readonly attachmentSizeLimit?: number | null;
}

export interface Responder {
  /** Acknowledge within Discord's 3-second deadline; everything after edits this reply. */
  defer(options: { ephemeral: boolean }): Promise<void>;
  /** Replace the (deferred) reply. */
  edit(payload: MessagePayload): Promise<void>;
  /** Show an error only to the caller: edits an ephemeral reply, or replaces a public one with an ephemeral follow-up. */
  error(payload: MessagePayload): Promise<void>;
  /** An extra message after the reply (e.g. "scores are ready"). */
  followUp(payload: MessagePayload & { ephemeral?: boolean }): Promise<void>;
}

export interface CommandInput {
  readonly commandName: string;
  readonly options: CommandOptions;
  readonly caller: Caller;
  readonly respond: Responder;
}

export interface AutocompleteInput {
  readonly commandName: string;
  readonly options: CommandOptions;
  readonly caller: Caller;
  readonly focused: { readonly name: string; readonly value: string };
}

export type Choice = APIApplicationCommandOptionChoice<string>;

/** What command files can use: the app context plus the bot's scheduler view, when there is one. */
export interface BotContext extends AppContext {
  readonly nextRuns?: () => Record<string, Date | null>;
  /** Runs work after the reply without blocking it, with errors logged (e.g. first score fetch). */
  readonly background: (label: string, work: () => Promise<void>) => void;
  /**
   * Downloads an attachment's bytes, refusing more than `maxBytes`. In Discord only https URLs
   * from Discord's CDN are fetched; the shell reads local files.
   */
  readonly fetchAttachment: (attachment: AttachmentInput, maxBytes: number) => Promise<Buffer>;
  /** Draws an analysis reply (charts) from a service's result: in the bot's render pool, inline in the shell. */
  readonly render: Renderer["render"];
  /** Runs an analysis: its service call here, against the process's series cache, then its rendering through `render`. */
  readonly analyse: <K extends AnalysisKind>(kind: K, request: AnalysisRequest<K>) => Promise<MessagePayload>;
  /** The server's clock for component expiry (injectable so tests can move it); default: now. */
  readonly clock?: () => Date;
  /**
   * Replies can carry components and links (Discord); the shell's cannot, so its output stays
   * text only. Set by the bot, unset in the shell.
   */
  readonly interactive?: boolean;
}

/** The server's clock for views (tests move it through BotContext.clock). */
export const clockOf = (ctx: Pick<BotContext, "clock">): Date => ctx.clock?.() ?? new Date();

/**
 * A press on a component of an analysis reply (issue 14). The router has already decoded the
 * custom_id and checked, on the server, that the presser owns the view and that it has not expired.
 */
export interface ComponentInput {
  readonly commandName: string;
  readonly state: ViewState;
  /** What the press asks for, from the custom_id (e.g. `s1`, `n`, `p`). */
  readonly action: string;
  /** A select menu's chosen values; empty for a button. */
  readonly values: readonly string[];
  readonly caller: Caller;
  readonly respond: ComponentResponder;
}

export interface ComponentResponder {
  /** Replace the pressed message in place (interaction.update). */
  update(payload: MessagePayload): Promise<void>;
  /** Show an error only to the presser, leaving the message as it is. */
  error(payload: MessagePayload): Promise<void>;
}

/**
 * Where a command's work after its acknowledgement waits its turn. `quick` (a few small reads:
 * /models, /help, statuses) never queues behind `analysis` (series, statistics, charts), so a
 * crowd of analyses does not hold up a list of one's models.
 */
export const LANES = ["quick", "analysis"] as const;
export type Lane = (typeof LANES)[number];
export const DEFAULT_LANE: Lane = "analysis";

export interface Command {
  readonly data: { readonly name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  /** The command's lane, or one per subcommand (a subcommand not named takes the default, `analysis`). */
  readonly lane?: Lane | Readonly<Partial<Record<string, Lane>>>;
  execute(input: CommandInput, ctx: BotContext): Promise<void>;
  autocomplete?(input: AutocompleteInput, ctx: BotContext): Promise<Choice[]> | Choice[];
  /** Handles presses on the reply's explore components (glue only, like execute). */
  components?(input: ComponentInput, ctx: BotContext): Promise<void>;
}

/** The lane `command` runs `subcommand` in (see `Command.lane`). */
export function laneOf(command: Pick<Command, "lane">, subcommand: string | null): Lane {
  const lane = command.lane;
  if (lane === undefined) return DEFAULT_LANE;
  if (typeof lane === "string") return lane;
  return (subcommand === null ? undefined : lane[subcommand]) ?? DEFAULT_LANE;
}

/** What a command file writes: its definition once, and handlers that receive the options typed from it. */
export interface CommandSpec<D extends CommandDefinition> {
  readonly definition: D;
  readonly lane?: Command["lane"];
  execute(input: CommandInput & { readonly args: ArgumentsOf<D> }, ctx: BotContext): Promise<void>;
  autocomplete?(input: AutocompleteInput, ctx: BotContext): Promise<Choice[]> | Choice[];
  components?(input: ComponentInput, ctx: BotContext): Promise<void>;
}

/** A command from its spec: `execute` gets `args` read from the options by the definition. */
export function defineCommand<const D extends CommandDefinition>(spec: CommandSpec<D>): Command {
  const { definition } = spec;
  return {
    data: { name: definition.name, toJSON: () => toRequestBody(definition) },
    ...(spec.lane !== undefined ? { lane: spec.lane } : {}),
    execute: (input, ctx) => spec.execute({ ...input, args: argumentsOf(definition, input.options) }, ctx),
    ...(spec.autocomplete ? { autocomplete: spec.autocomplete.bind(spec) } : {}),
    ...(spec.components ? { components: spec.components.bind(spec) } : {}),
  };
}
