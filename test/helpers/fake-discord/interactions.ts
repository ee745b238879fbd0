import type {
  APIApplicationCommandAutocompleteInteraction,
  APIChatInputApplicationCommandInteraction,
  APIInteraction,
  APIMessage,
  APIMessageComponentButtonInteraction,
  APIMessageComponentSelectMenuInteraction,
} from "discord.js";
import { ApplicationCommandOptionType, ChannelType, ComponentType, InteractionType, MessageType, type InteractionResponseType } from "discord.js";
import type { ChannelRecord, FakeStore, UserRecord } from "./store.js";
import type { FakeUserInput, RecordedCall, StoredMessage } from "./types.js";

/**
 * An option value: strings, booleans and numbers map to STRING, BOOLEAN and INTEGER (whole numbers)
 * or NUMBER (others); give `{ type, value }` for anything else (USER, CHANNEL, ROLE, or a whole NUMBER).
 */
export type OptionValue = string | number | boolean | { readonly type: ApplicationCommandOptionType; readonly value: string | number | boolean };

/** A file the user attached to an ATTACHMENT option; the fake serves its bytes at the attachment's url. */
export interface AttachmentInput {
  readonly filename: string;
  readonly bytes: Buffer | Uint8Array | string;
  readonly contentType?: string;
}

interface InteractionContextInput {
  /** Invoking user's id (added as a user if unknown) or a full user; default: the first configured non-bot user. */
  readonly user?: string | FakeUserInput;
  /** Omit for an interaction in the bot's DMs. */
  readonly guildId?: string;
  /** Default: the guild's first text channel, or the user's DM channel. */
  readonly channelId?: string;
  /** The member's resolved permissions (guild only). Default: @everyone's usual permissions. */
  readonly memberPermissions?: bigint | string;
  /** The bot's permissions in the channel. */
  readonly appPermissions?: bigint | string;
  readonly locale?: string;
  /** The interaction's `attachment_size_limit` (default 10 MiB, an unboosted guild's). */
  readonly attachmentSizeLimit?: number;
}

export interface ChatInputInput extends InteractionContextInput {
  readonly name: string;
  readonly subcommand?: string;
  readonly subcommandGroup?: string;
  readonly options?: Readonly<Record<string, OptionValue>>;
  /** ATTACHMENT options by option name. */
  readonly attachments?: Readonly<Record<string, AttachmentInput>>;
}

export interface AutocompleteInput extends InteractionContextInput {
  readonly name: string;
  readonly subcommand?: string;
  readonly subcommandGroup?: string;
  /** Options already filled in. */
  readonly options?: Readonly<Record<string, OptionValue>>;
  /** The option being typed into and its partial text. */
  readonly focused: { readonly name: string; readonly value: string; readonly type?: ApplicationCommandOptionType };
}

export interface ComponentInput extends InteractionContextInput {
  readonly customId: string;
  /** The message carrying the component; default: a fresh bot message in the channel. */
  readonly message?: StoredMessage | APIMessage;
}

export interface SelectInput extends ComponentInput {
  readonly values: readonly string[];
}

const DEFAULT_MEMBER_PERMISSIONS = "2222085186637376";
const DEFAULT_APP_PERMISSIONS = "2248473465835073";
const DEFAULT_ATTACHMENT_SIZE_LIMIT = 10_485_760;

export type InteractionCallKind =
  | "callback"
  | "get-original"
  | "edit-original"
  | "delete-original"
  | "followup"
  | "get-followup"
  | "edit-followup"
  | "delete-followup";

/** A request the bot made for one interaction, timed from the dispatch. */
export interface InteractionCall {
  readonly kind: InteractionCallKind;
  /** Milliseconds between dispatching INTERACTION_CREATE and the request's arrival. */
  readonly atMs: number;
  readonly call: RecordedCall;
}

/** The fake's view of one dispatched interaction: what the bot sent back, in order. */
export class InteractionHandle {
  readonly id: string;
  readonly token: string;
  /** Everything the bot did for this interaction (callback, @original reads/edits/deletes, follow-ups), in arrival order. */
  readonly calls: InteractionCall[] = [];
  /** The callback the fake accepted (status 2xx), if any. */
  acceptedCallback: { readonly type: InteractionResponseType; readonly data: unknown } | undefined;
  /** The @original message once there is one (callback 4/5, or the component's message for 6/7). */
  original: StoredMessage | undefined;
  readonly followUps: StoredMessage[] = [];
  private readonly waiters = new Set<{ readonly test: (call: InteractionCall) => boolean; readonly resolve: (call: InteractionCall) => void }>();

  constructor(
    readonly payload: APIInteraction,
    readonly shardId: number,
    /** `performance.now()` at dispatch. */
    readonly dispatchedAt: number,
  ) {
    this.id = payload.id;
    this.token = payload.token;
  }

  /** @internal the fake registers a request when it arrives … */
  begin(kind: InteractionCallKind, call: RecordedCall): InteractionCall {
    const entry: InteractionCall = { kind, atMs: call.receivedAt - this.dispatchedAt, call };
    this.calls.push(entry);
    return entry;
  }

  /** @internal … and announces it once answered. */
  finish(entry: InteractionCall): void {
    for (const waiter of this.waiters) {
      if (waiter.test(entry)) {
        this.waiters.delete(waiter);
        waiter.resolve(entry);
      }
    }
  }

  /** Resolves with the first answered request matching `test` (including ones already answered). */
  awaitCall(test: (call: InteractionCall) => boolean, timeoutMs = 5_000): Promise<InteractionCall> {
    const done = this.calls.find((entry) => entry.call.status !== 0 && test(entry));
    if (done) return Promise.resolve(done);
    return new Promise((resolve, reject) => {
      const waiter = {
        test,
        resolve: (call: InteractionCall) => {
          clearTimeout(timer);
          resolve(call);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = this.calls.map((c) => `${c.kind} ${c.call.status} @${Math.round(c.atMs)}ms`).join(", ") || "none";
        reject(new Error(`interaction ${this.id}: no matching request within ${timeoutMs} ms (requests seen: ${seen})`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Resolves when the bot's interaction callback (reply/defer/update/autocomplete result) has been answered. */
  awaitResponse(timeoutMs = 5_000): Promise<InteractionCall> {
    return this.awaitCall((entry) => entry.kind === "callback", timeoutMs);
  }

  /** Resolves at the n-th (1-based) answered edit of @original. */
  awaitEdit(n = 1, timeoutMs = 5_000): Promise<InteractionCall> {
    return this.awaitCall((entry) => entry.kind === "edit-original" && this.calls.filter((c) => c.kind === "edit-original").indexOf(entry) === n - 1, timeoutMs);
  }
}

function toPermissionString(value: bigint | string | undefined, fallback: string): string {
  return value === undefined ? fallback : value.toString();
}

/** Builds realistic interaction payloads against the fake's users, guilds and channels. */
export class InteractionBuilder {
  constructor(
    private readonly store: FakeStore,
    private readonly nextId: () => string,
    private readonly nextToken: () => string,
  ) {}

  private resolveUser(input: string | FakeUserInput | undefined): UserRecord {
    if (input === undefined) {
      const first = [...this.store.users.values()].find((u) => !u.bot);
      return first ?? this.store.addUser({ id: this.nextId(), username: "tester" });
    }
    if (typeof input === "string") return this.store.userOrStub(input);
    return this.store.users.get(input.id) ?? this.store.addUser(input);
  }

  private resolveChannel(guildId: string | undefined, channelId: string | undefined, user: UserRecord): ChannelRecord {
    if (channelId !== undefined) {
      const channel = this.store.channels.get(channelId);
      if (!channel) throw new Error(`fake-discord: channel ${channelId} is not configured`);
      return channel;
    }
    if (guildId === undefined) return this.store.dmChannelFor(user.id);
    const first = [...this.store.channels.values()].find((c) => c.guildId === guildId && c.type === ChannelType.GuildText);
    if (!first) throw new Error(`fake-discord: guild ${guildId} has no text channel; pass channelId or configure one`);
    return first;
  }

  /** The fields every interaction shares (who, where, permissions, locale). */
  private base(type: InteractionType, input: InteractionContextInput): Record<string, unknown> {
    const user = this.resolveUser(input.user);
    const { guildId } = input;
    if (guildId !== undefined && !this.store.guilds.has(guildId)) throw new Error(`fake-discord: guild ${guildId} is not configured`);
    const channel = this.resolveChannel(guildId, input.channelId, user);
    const apiUser = this.store.apiUser(user);
    const appPermissions = toPermissionString(input.appPermissions, DEFAULT_APP_PERMISSIONS);
    const locale = input.locale ?? "en-US";
    const common = {
      id: this.nextId(),
      application_id: this.store.options.applicationId,
      type,
      token: this.nextToken(),
      version: 1,
      app_permissions: appPermissions,
      locale,
      entitlements: [],
      attachment_size_limit: input.attachmentSizeLimit ?? DEFAULT_ATTACHMENT_SIZE_LIMIT,
      channel_id: channel.id,
    };
    if (guildId === undefined) {
      return {
        ...common,
        channel: this.store.apiChannel(channel),
        user: apiUser,
        // Key 0 = GUILD_INSTALL; "0" marks an interaction in the bot's DMs.
        authorizing_integration_owners: { "0": "0" },
        context: 1,
      };
    }
    const guild = this.store.guilds.get(guildId)!;
    const memberPermissions = toPermissionString(input.memberPermissions, DEFAULT_MEMBER_PERMISSIONS);
    return {
      ...common,
      guild_id: guildId,
      guild: { id: guildId, locale: guild.locale, features: [] },
      guild_locale: guild.locale,
      channel: { ...this.store.apiChannel(channel), permissions: memberPermissions },
      member: {
        user: apiUser,
        roles: [],
        premium_since: null,
        permissions: memberPermissions,
        pending: false,
        nick: null,
        mute: false,
        joined_at: guild.joinedAt,
        flags: 0,
        deaf: false,
        communication_disabled_until: null,
        unusual_dm_activity_until: null,
        avatar: null,
        banner: null,
      },
      authorizing_integration_owners: { "0": guildId },
      context: 0,
    };
  }

  private commandId(name: string, guildId: string | undefined): string {
    const guildCommands = guildId === undefined ? [] : (this.store.guildCommands.get(guildId) ?? []);
    const registered = [...guildCommands, ...this.store.globalCommands].find((c) => c.name === name);
    return registered?.id ?? this.nextId();
  }

  private buildOptions(
    input: { readonly subcommand?: string; readonly subcommandGroup?: string; readonly options?: Readonly<Record<string, OptionValue>> },
    extra: readonly Record<string, unknown>[],
    resolved: Record<string, Record<string, unknown>>,
    guildId: string | undefined,
  ): Record<string, unknown>[] {
    const leaf: Record<string, unknown>[] = [];
    for (const [name, value] of Object.entries(input.options ?? {})) {
      const option = this.basicOption(name, value);
      leaf.push(option);
      this.addResolved(option, resolved, guildId);
    }
    leaf.push(...extra);
    if (input.subcommand === undefined) {
      if (input.subcommandGroup !== undefined) throw new Error("fake-discord: subcommandGroup needs a subcommand");
      return leaf;
    }
    const sub = { name: input.subcommand, type: ApplicationCommandOptionType.Subcommand, options: leaf };
    if (input.subcommandGroup === undefined) return [sub];
    return [{ name: input.subcommandGroup, type: ApplicationCommandOptionType.SubcommandGroup, options: [sub] }];
  }

  private basicOption(name: string, value: OptionValue): Record<string, unknown> {
    if (typeof value === "object") return { name, type: value.type, value: value.value };
    if (typeof value === "string") return { name, type: ApplicationCommandOptionType.String, value };
    if (typeof value === "boolean") return { name, type: ApplicationCommandOptionType.Boolean, value };
    return { name, type: Number.isInteger(value) ? ApplicationCommandOptionType.Integer : ApplicationCommandOptionType.Number, value };
  }

  /** Discord resolves USER/CHANNEL/ROLE/MENTIONABLE option values into `data.resolved`. */
  private addResolved(option: Record<string, unknown>, resolved: Record<string, Record<string, unknown>>, guildId: string | undefined): void {
    const id = String(option.value);
    const put = (key: string, value: object): void => {
      resolved[key] = { ...resolved[key], [id]: value };
    };
    switch (option.type) {
      case ApplicationCommandOptionType.User:
      case ApplicationCommandOptionType.Mentionable: {
        put("users", this.store.apiUser(this.store.userOrStub(id)));
        if (guildId !== undefined) {
          put("members", { roles: [], premium_since: null, permissions: DEFAULT_MEMBER_PERMISSIONS, pending: false, nick: null, joined_at: new Date().toISOString(), flags: 0, avatar: null, banner: null, communication_disabled_until: null });
        }
        return;
      }
      case ApplicationCommandOptionType.Channel: {
        const channel = this.store.channels.get(id);
        if (!channel) throw new Error(`fake-discord: channel option ${id} is not configured`);
        put("channels", { id, name: channel.name, type: channel.type, permissions: DEFAULT_MEMBER_PERMISSIONS, ...(channel.parentId ? { parent_id: channel.parentId } : {}) });
        return;
      }
      case ApplicationCommandOptionType.Role: {
        put("roles", { id, name: `role-${id.slice(-4)}`, color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null }, hoist: false, icon: null, unicode_emoji: null, position: 1, permissions: "0", managed: false, mentionable: true, flags: 0, description: null });
        return;
      }
      default:
        return;
    }
  }

  /** An APPLICATION_COMMAND (type 2) interaction for a CHAT_INPUT command. */
  chatInput(input: ChatInputInput): APIChatInputApplicationCommandInteraction {
    const base = this.base(InteractionType.ApplicationCommand, input);
    const resolved: Record<string, Record<string, unknown>> = {};
    const attachmentOptions: Record<string, unknown>[] = [];
    for (const [name, file] of Object.entries(input.attachments ?? {})) {
      const id = this.nextId();
      const bytes = Buffer.from(file.bytes);
      this.store.attachments.set(id, { id, filename: file.filename, contentType: file.contentType, bytes, channelId: String(base.channel_id) });
      const url = `${this.store.origin()}/ephemeral-attachments/${this.store.options.applicationId}/${id}/${encodeURIComponent(file.filename)}`;
      resolved.attachments = {
        ...resolved.attachments,
        [id]: { id, filename: file.filename, size: bytes.length, url, proxy_url: url, ephemeral: true, ...(file.contentType ? { content_type: file.contentType } : {}) },
      };
      attachmentOptions.push({ name, type: ApplicationCommandOptionType.Attachment, value: id });
    }
    const options = this.buildOptions(input, attachmentOptions, resolved, input.guildId);
    const data = {
      id: this.commandId(input.name, input.guildId),
      name: input.name,
      type: 1,
      ...(options.length > 0 ? { options } : {}),
      ...(Object.keys(resolved).length > 0 ? { resolved } : {}),
    };
    // The option tree is assembled generically above; the API union types cannot follow that.
    return { ...base, data } as unknown as APIChatInputApplicationCommandInteraction;
  }

  /** An APPLICATION_COMMAND_AUTOCOMPLETE (type 4) interaction with one focused option. */
  autocomplete(input: AutocompleteInput): APIApplicationCommandAutocompleteInteraction {
    const base = this.base(InteractionType.ApplicationCommandAutocomplete, input);
    const focused = { name: input.focused.name, type: input.focused.type ?? ApplicationCommandOptionType.String, value: input.focused.value, focused: true };
    const options = this.buildOptions(input, [focused], {}, input.guildId);
    const data = { id: this.commandId(input.name, input.guildId), name: input.name, type: 1, options };
    return { ...base, data } as unknown as APIApplicationCommandAutocompleteInteraction;
  }

  private componentMessage(input: ComponentInput, channelId: string, component: Record<string, unknown>): APIMessage {
    if (input.message !== undefined) return "data" in input.message ? input.message.data : input.message;
    const stored = this.store.createMessage({
      channelId,
      origin: "channel",
      write: { body: { content: "message with a component", components: [{ type: ComponentType.ActionRow, components: [component] }] }, files: [] },
      type: MessageType.Default,
    });
    return stored.data;
  }

  /** A MESSAGE_COMPONENT (type 3) interaction for a button. */
  button(input: ComponentInput): APIMessageComponentButtonInteraction {
    const base = this.base(InteractionType.MessageComponent, input);
    const button = { type: ComponentType.Button, style: 1, label: "button", custom_id: input.customId };
    const message = this.componentMessage(input, String(base.channel_id), button);
    const data = { custom_id: input.customId, component_type: ComponentType.Button };
    return { ...base, data, message } as unknown as APIMessageComponentButtonInteraction;
  }

  /** A MESSAGE_COMPONENT (type 3) interaction for a string select menu. */
  stringSelect(input: SelectInput): APIMessageComponentSelectMenuInteraction {
    const base = this.base(InteractionType.MessageComponent, input);
    const select = { type: ComponentType.StringSelect, custom_id: input.customId, options: input.values.map((v) => ({ label: v, value: v })) };
    const message = this.componentMessage(input, String(base.channel_id), select);
    const data = { custom_id: input.customId, component_type: ComponentType.StringSelect, values: [...input.values] };
    return { ...base, data, message } as unknown as APIMessageComponentSelectMenuInteraction;
  }
}
