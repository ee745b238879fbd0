import type {
  APIActionRowComponent,
  APIApplicationCommand,
  APIAttachment,
  APIEmbed,
  APIMessage,
  APIMessageInteractionMetadata,
  APIUser,
  UserFlags,
} from "discord.js";
import { ChannelType, MessageFlags, MessageType } from "discord.js";
import { validateMessageBody, type DiscordErrorBody } from "./validation.js";
import type {
  FakeChannelInput,
  FakeDiscordOptions,
  FakeGuildInput,
  FakeUserInput,
  RecordedFile,
  StoredAttachment,
  StoredMessage,
} from "./types.js";

/** Thrown by route handlers; the router answers with `status` and Discord's JSON error body. */
export class DiscordHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: DiscordErrorBody | { readonly message: string; readonly code: number },
  ) {
    super(`${status} ${body.message}`);
  }
}

export const unknownChannel = (): DiscordHttpError => new DiscordHttpError(404, { message: "Unknown Channel", code: 10003 });
export const unknownMessage = (): DiscordHttpError => new DiscordHttpError(404, { message: "Unknown Message", code: 10008 });

export interface UserRecord {
  readonly id: string;
  readonly username: string;
  readonly globalName: string | null;
  readonly bot: boolean;
  readonly acceptsDms: boolean;
}

export interface GuildRecord {
  readonly id: string;
  readonly name: string;
  readonly ownerId: string;
  readonly locale: string;
  readonly joinedAt: string;
}

export interface ChannelRecord {
  readonly id: string;
  readonly type: ChannelType;
  readonly guildId: string | undefined;
  readonly name: string;
  readonly recipientId: string | undefined;
  readonly parentId: string | undefined;
  readonly availableTags: readonly { readonly id: string; readonly name: string }[];
  lastMessageId: string | null;
  /** Threads only. */
  thread?: { ownerId: string; createdAt: string; autoArchiveDuration: number; appliedTags: string[]; messageCount: number };
}

/** What a message create/edit asks for, after the request body has been decoded. */
export interface MessageWrite {
  readonly body: Record<string, unknown>;
  readonly files: readonly RecordedFile[];
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Permissions an @everyone role commonly has (view, send, history, reactions, slash commands...). */
const EVERYONE_PERMISSIONS = "2222085186637376";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function imageSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length >= 24 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  return undefined;
}

/** All state the fake keeps: users, guilds, channels, messages, uploads, commands. */
export class FakeStore {
  readonly users = new Map<string, UserRecord>();
  readonly guilds = new Map<string, GuildRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  readonly messagesById = new Map<string, StoredMessage>();
  /** Visible (non-ephemeral) messages per channel, in creation order. */
  readonly channelMessages = new Map<string, StoredMessage[]>();
  readonly attachments = new Map<string, StoredAttachment & { readonly channelId: string }>();
  readonly globalCommands: APIApplicationCommand[] = [];
  readonly guildCommands = new Map<string, APIApplicationCommand[]>();
  private readonly dmChannelByUser = new Map<string, string>();
  private readonly nonces = new Map<string, { readonly messageId: string; readonly at: number }>();
  readonly botUser: UserRecord;

  constructor(
    readonly options: Required<Pick<FakeDiscordOptions, "token" | "applicationId" | "nonceWindowMs" | "maxUploadBytes">> &
      Pick<FakeDiscordOptions, "botUsername">,
    readonly nextId: () => string,
    /** `http://127.0.0.1:PORT`, for attachment URLs. */
    readonly origin: () => string,
  ) {
    this.botUser = { id: options.applicationId, username: options.botUsername ?? "modelfolio-test-bot", globalName: null, bot: true, acceptsDms: false };
    this.users.set(this.botUser.id, this.botUser);
  }

  addUser(input: FakeUserInput): UserRecord {
    const user: UserRecord = {
      id: input.id,
      username: input.username ?? `user${input.id.slice(-4)}`,
      globalName: input.globalName ?? null,
      bot: input.bot ?? false,
      acceptsDms: input.acceptsDms ?? true,
    };
    this.users.set(user.id, user);
    return user;
  }

  addGuild(input: FakeGuildInput): GuildRecord {
    const guild: GuildRecord = {
      id: input.id,
      name: input.name ?? `Guild ${input.id.slice(-4)}`,
      ownerId: input.ownerId ?? [...this.users.values()].find((u) => !u.bot)?.id ?? this.botUser.id,
      locale: input.locale ?? "en-US",
      joinedAt: new Date().toISOString(),
    };
    this.guilds.set(guild.id, guild);
    return guild;
  }

  addChannel(input: FakeChannelInput): ChannelRecord {
    if (input.type === ChannelType.DM && input.recipientId === undefined) throw new Error(`DM channel ${input.id} needs recipientId`);
    const channel: ChannelRecord = {
      id: input.id,
      type: input.type,
      guildId: input.guildId,
      name: input.name ?? `channel-${input.id.slice(-4)}`,
      recipientId: input.recipientId,
      parentId: input.parentId,
      availableTags: input.availableTags ?? [],
      lastMessageId: null,
    };
    this.channels.set(channel.id, channel);
    if (channel.type === ChannelType.DM && channel.recipientId !== undefined) {
      if (!this.users.has(channel.recipientId)) this.addUser({ id: channel.recipientId });
      this.dmChannelByUser.set(channel.recipientId, channel.id);
    }
    return channel;
  }

  userOrStub(id: string): UserRecord {
    return this.users.get(id) ?? this.addUser({ id });
  }

  /** The DM channel with a user (created on first use, then stable, as on Discord). */
  dmChannelFor(userId: string): ChannelRecord {
    const existing = this.dmChannelByUser.get(userId);
    if (existing !== undefined) return this.channels.get(existing)!;
    this.userOrStub(userId);
    return this.addChannel({ id: this.nextId(), type: ChannelType.DM, recipientId: userId });
  }

  channelOrThrow(id: string): ChannelRecord {
    const channel = this.channels.get(id);
    if (!channel) throw unknownChannel();
    return channel;
  }

  apiUser(user: UserRecord): APIUser {
    return {
      id: user.id,
      username: user.username,
      discriminator: "0",
      global_name: user.globalName,
      avatar: null,
      ...(user.bot ? { bot: true } : {}),
      // No badges; UserFlags is a bit-flag enum, so "none" is a plain 0.
      public_flags: 0 as UserFlags,
      flags: 0 as UserFlags,
      banner: null,
      accent_color: null,
      avatar_decoration_data: null,
      collectibles: null,
      primary_guild: null,
    };
  }

  /** The channel object Discord returns from GET /channels/:id (and inside GUILD_CREATE). */
  apiChannel(channel: ChannelRecord): Record<string, unknown> {
    if (channel.type === ChannelType.DM) {
      return {
        id: channel.id,
        type: ChannelType.DM,
        last_message_id: channel.lastMessageId,
        flags: 0,
        recipients: [this.apiUser(this.userOrStub(channel.recipientId!))],
      };
    }
    const base = {
      id: channel.id,
      type: channel.type,
      guild_id: channel.guildId,
      name: channel.name,
      flags: 0,
      last_message_id: channel.lastMessageId,
      rate_limit_per_user: 0,
    };
    if (channel.thread) {
      return {
        ...base,
        parent_id: channel.parentId ?? null,
        owner_id: channel.thread.ownerId,
        message_count: channel.thread.messageCount,
        member_count: 1,
        total_message_sent: channel.thread.messageCount,
        applied_tags: channel.thread.appliedTags,
        thread_metadata: {
          archived: false,
          auto_archive_duration: channel.thread.autoArchiveDuration,
          archive_timestamp: channel.thread.createdAt,
          locked: false,
          create_timestamp: channel.thread.createdAt,
          ...(channel.type === ChannelType.PrivateThread ? { invitable: true } : {}),
        },
      };
    }
    const guildChannel = { ...base, position: 0, permission_overwrites: [], parent_id: channel.parentId ?? null, nsfw: false, topic: null };
    if (channel.type === ChannelType.GuildForum || channel.type === ChannelType.GuildMedia) {
      return {
        ...guildChannel,
        available_tags: channel.availableTags.map((tag) => ({ id: tag.id, name: tag.name, moderated: false, emoji_id: null, emoji_name: null })),
        default_reaction_emoji: null,
        default_thread_rate_limit_per_user: 0,
        default_sort_order: null,
        default_forum_layout: 0,
        template: "",
      };
    }
    return guildChannel;
  }

  /** GET /guilds/:id (`full` = the GUILD_CREATE shape with channels, members, threads...). */
  apiGuild(guild: GuildRecord, full: boolean): Record<string, unknown> {
    const base: Record<string, unknown> = {
      id: guild.id,
      name: guild.name,
      icon: null,
      icon_hash: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: guild.ownerId,
      region: "deprecated",
      afk_channel_id: null,
      afk_timeout: 300,
      widget_enabled: false,
      widget_channel_id: null,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      max_members: 500000,
      max_presences: null,
      max_video_channel_users: 25,
      max_stage_video_channel_users: 50,
      vanity_url_code: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      premium_progress_bar_enabled: false,
      preferred_locale: guild.locale,
      nsfw_level: 0,
      nsfw: false,
      roles: [
        {
          id: guild.id,
          name: "@everyone",
          description: null,
          color: 0,
          colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
          hoist: false,
          icon: null,
          unicode_emoji: null,
          position: 0,
          permissions: EVERYONE_PERMISSIONS,
          managed: false,
          mentionable: false,
          flags: 0,
        },
      ],
      emojis: [],
      stickers: [],
      incidents_data: null,
    };
    if (!full) return base;
    const channels = [...this.channels.values()].filter((c) => c.guildId === guild.id);
    return {
      ...base,
      joined_at: guild.joinedAt,
      large: false,
      unavailable: false,
      member_count: 2,
      voice_states: [],
      members: [
        {
          user: this.apiUser(this.botUser),
          nick: null,
          avatar: null,
          banner: null,
          roles: [],
          joined_at: guild.joinedAt,
          premium_since: null,
          deaf: false,
          mute: false,
          flags: 0,
          pending: false,
          communication_disabled_until: null,
        },
      ],
      channels: channels.filter((c) => !c.thread).map((c) => this.apiChannel(c)),
      threads: channels.filter((c) => c.thread).map((c) => this.apiChannel(c)),
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      lazy: true,
      version: Date.now(),
    };
  }

  /** Attachments a create/edit ends up with, per Discord's `attachments` semantics. */
  private resolveAttachments(
    channelId: string,
    write: MessageWrite,
    existing: readonly APIAttachment[] | null,
  ): { readonly attachments: APIAttachment[]; readonly uploads: StoredAttachment[] } {
    const { body, files } = write;
    for (const file of files) {
      if (file.bytes.length > this.options.maxUploadBytes) {
        throw new DiscordHttpError(413, { message: "Request entity too large", code: 40005 });
      }
    }
    const requested = Array.isArray(body.attachments) ? (body.attachments as unknown[]).filter(isRecord) : undefined;
    const byField = new Map(files.map((file) => [file.fieldName, file]));
    const used = new Set<RecordedFile>();
    const attachments: APIAttachment[] = [];
    const uploads: StoredAttachment[] = [];
    const upload = (file: RecordedFile, meta: Record<string, unknown>): void => {
      used.add(file);
      const id = this.nextId();
      const filename = typeof meta.filename === "string" ? meta.filename : file.name;
      const stored: StoredAttachment = { id, filename, contentType: file.contentType, bytes: file.bytes };
      this.attachments.set(id, { ...stored, channelId });
      uploads.push(stored);
      const url = `${this.origin()}/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`;
      const size = imageSize(file.bytes);
      attachments.push({
        id,
        filename,
        size: file.bytes.length,
        url,
        proxy_url: url,
        ...(file.contentType !== undefined ? { content_type: file.contentType } : {}),
        ...(typeof meta.description === "string" ? { description: meta.description } : {}),
        ...(size ? { width: size.width, height: size.height } : {}),
      });
    };
    if (requested === undefined) {
      if (existing) attachments.push(...existing);
      for (const file of files) upload(file, {});
      return { attachments, uploads };
    }
    for (const entry of requested) {
      const id = String(entry.id);
      const kept = existing?.find((a) => a.id === id);
      if (kept) {
        attachments.push(typeof entry.description === "string" ? { ...kept, description: entry.description } : kept);
        continue;
      }
      const file = byField.get(`files[${id}]`);
      if (file) upload(file, entry);
    }
    // Discord still attaches uploaded files the `attachments` list forgot to mention.
    for (const file of files) if (!used.has(file)) upload(file, {});
    return { attachments, uploads };
  }

  /** Creates and stores a message; throws DiscordHttpError on what Discord would reject. */
  createMessage(input: {
    readonly channelId: string;
    readonly write: MessageWrite;
    readonly origin: StoredMessage["origin"];
    readonly ephemeral?: boolean;
    readonly loading?: boolean;
    readonly type?: MessageType;
    readonly id?: string;
    readonly interactionMetadata?: APIMessageInteractionMetadata;
    readonly errorPrefix?: readonly string[];
  }): StoredMessage {
    const { body } = input.write;
    if (!input.loading) {
      const error = validateMessageBody(body, { fileCount: input.write.files.length, creating: true, ...(input.errorPrefix ? { prefix: input.errorPrefix } : {}) });
      if (error) throw new DiscordHttpError(400, error);
    }
    const nonce = body.nonce;
    const nonceKey = typeof nonce === "string" || typeof nonce === "number" ? String(nonce) : undefined;
    if (nonceKey !== undefined && body.enforce_nonce === true) {
      // Discord: "checked for uniqueness in the past few minutes ... that message will be returned".
      const seen = this.nonces.get(nonceKey);
      if (seen && Date.now() - seen.at <= this.options.nonceWindowMs) {
        const original = this.messagesById.get(seen.messageId);
        if (original) return original;
      }
    }
    const id = input.id ?? this.nextId();
    const { attachments, uploads } = this.resolveAttachments(input.channelId, input.write, null);
    let flags = typeof body.flags === "number" ? body.flags & (MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2) : 0;
    if (input.ephemeral) flags |= MessageFlags.Ephemeral;
    if (input.loading) flags |= MessageFlags.Loading;
    const fromWebhook = input.origin === "interaction";
    const data: APIMessage = {
      id,
      channel_id: input.channelId,
      author: this.apiUser(this.botUser),
      content: typeof body.content === "string" ? body.content : "",
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: body.tts === true,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments,
      embeds: Array.isArray(body.embeds) ? (body.embeds as APIEmbed[]) : [],
      pinned: false,
      type: input.type ?? MessageType.Default,
      flags,
      components: Array.isArray(body.components) ? (body.components as APIActionRowComponent<never>[]) : [],
      ...(nonceKey !== undefined ? { nonce: nonce as string | number } : {}),
      ...(fromWebhook ? { webhook_id: this.options.applicationId, application_id: this.options.applicationId } : {}),
      ...(input.interactionMetadata ? { interaction_metadata: input.interactionMetadata } : {}),
    };
    const stored: StoredMessage = {
      id,
      channelId: input.channelId,
      origin: input.origin,
      ephemeral: input.ephemeral ?? false,
      data,
      history: [],
      uploads,
      deleted: false,
    };
    this.messagesById.set(id, stored);
    if (!stored.ephemeral) {
      const list = this.channelMessages.get(input.channelId) ?? [];
      list.push(stored);
      this.channelMessages.set(input.channelId, list);
      const channel = this.channels.get(input.channelId);
      if (channel) {
        channel.lastMessageId = id;
        if (channel.thread) channel.thread.messageCount += 1;
      }
    }
    if (nonceKey !== undefined && body.enforce_nonce === true) this.nonces.set(nonceKey, { messageId: id, at: Date.now() });
    return stored;
  }

  /** Applies an edit (PATCH) in place and returns the message's new state. */
  editMessage(stored: StoredMessage, write: MessageWrite, errorPrefix?: readonly string[]): StoredMessage {
    if (stored.deleted) throw unknownMessage();
    const { body } = write;
    const error = validateMessageBody(body, { fileCount: write.files.length, creating: false, ...(errorPrefix ? { prefix: errorPrefix } : {}) });
    if (error) throw new DiscordHttpError(400, error);
    const previous = stored.data;
    const { attachments, uploads } = this.resolveAttachments(stored.channelId, write, previous.attachments);
    stored.uploads.push(...uploads);
    const wasLoading = ((previous.flags ?? 0) & MessageFlags.Loading) !== 0;
    let flags = (previous.flags ?? 0) & ~MessageFlags.Loading;
    if (typeof body.flags === "number") {
      flags = (flags & ~MessageFlags.SuppressEmbeds) | (body.flags & MessageFlags.SuppressEmbeds);
    }
    const next: APIMessage = {
      ...previous,
      ...("content" in body ? { content: typeof body.content === "string" ? body.content : "" } : {}),
      ...("embeds" in body ? { embeds: Array.isArray(body.embeds) ? (body.embeds as APIEmbed[]) : [] } : {}),
      ...("components" in body ? { components: Array.isArray(body.components) ? (body.components as APIActionRowComponent<never>[]) : [] } : {}),
      attachments,
      flags,
      // The first edit of a deferred response is what users see as the reply, not an "(edited)" message.
      edited_timestamp: wasLoading ? null : new Date().toISOString(),
    };
    stored.history.push(previous);
    stored.data = next;
    return stored;
  }

  deleteMessage(stored: StoredMessage): void {
    stored.deleted = true;
  }
}
