import type { APIMessage, ChannelType } from "discord.js";

/** A file received in a multipart request (`files[n]` parts). */
export interface RecordedFile {
  /** The form field, e.g. `files[0]`. */
  readonly fieldName: string;
  readonly name: string;
  readonly contentType: string | undefined;
  readonly bytes: Buffer;
}

/** One HTTP request the fake received, with what it answered. */
export interface RecordedCall {
  /** Arrival order across all requests, from 1. */
  readonly seq: number;
  readonly method: string;
  /** Path below `/api/v10`, percent-decoded, e.g. `/webhooks/1/tok/messages/@original` (full path for non-API requests). */
  readonly path: string;
  /** Matched route, e.g. `POST /channels/:channelId/messages`; null when no route matched. */
  route: string | null;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-cased request headers. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON body, or the parsed `payload_json` part of a multipart body; undefined when absent. */
  readonly json: unknown;
  readonly files: readonly RecordedFile[];
  /** `performance.now()` at arrival. */
  readonly receivedAt: number;
  /** Status the fake answered with: 0 while still being handled, -1 when a fault cut the connection instead. */
  status: number;
  /** JSON the fake answered with; undefined for empty (204) answers. */
  response: unknown;
  /** Set when an injected fault produced the answer. */
  fault: FaultSpec["kind"] | undefined;
}

/** A message the fake holds, in its current state. */
export interface StoredMessage {
  readonly id: string;
  readonly channelId: string;
  /** Where it came from: a bot channel post, an interaction response/follow-up, or a forum thread's starter. */
  readonly origin: "channel" | "interaction" | "thread-starter";
  /** True for ephemeral interaction messages (never listed in `fake.messages`). */
  readonly ephemeral: boolean;
  /** The message exactly as the fake returns it over REST; replaced on every edit. */
  data: APIMessage;
  /** Earlier versions of `data`, oldest first. */
  readonly history: APIMessage[];
  /** Every attachment uploaded to this message, with its bytes. */
  readonly uploads: StoredAttachment[];
  deleted: boolean;
}

export interface StoredAttachment {
  readonly id: string;
  readonly filename: string;
  readonly contentType: string | undefined;
  readonly bytes: Buffer;
}

export interface FakeUserInput {
  readonly id: string;
  readonly username?: string;
  readonly globalName?: string | null;
  readonly bot?: boolean;
  /** When false, messages to this user's DM channel fail with 403 code 50007, as with closed DMs. */
  readonly acceptsDms?: boolean;
}

export interface FakeGuildInput {
  readonly id: string;
  readonly name?: string;
  readonly ownerId?: string;
  readonly locale?: string;
}

export interface FakeChannelInput {
  readonly id: string;
  /** 0 text, 1 DM, 5 announcement, 11/12 threads, 15 forum, 16 media. */
  readonly type: ChannelType;
  readonly guildId?: string;
  readonly name?: string;
  /** DM channels: the other user. */
  readonly recipientId?: string;
  /** Threads: the parent channel. */
  readonly parentId?: string;
  /** Forum channels: tags threads may carry. */
  readonly availableTags?: readonly { readonly id: string; readonly name: string }[];
}

export interface FakeDiscordOptions {
  /** Bot token the REST API and gateway accept (without the `Bot ` prefix). Default `fake-bot-token`. */
  readonly token?: string;
  /** Application id; also the bot user's id, as for every application created since 2019. */
  readonly applicationId?: string;
  readonly botUsername?: string;
  /** READY's `application.flags`. Default 0. */
  readonly applicationFlags?: number;
  readonly guilds?: readonly FakeGuildInput[];
  readonly channels?: readonly FakeChannelInput[];
  readonly users?: readonly FakeUserInput[];
  /** `shards` in GET /gateway/bot. Default 1. */
  readonly recommendedShards?: number;
  /** HELLO's `heartbeat_interval`. Default 41250 (Discord's usual value). */
  readonly heartbeatIntervalMs?: number;
  /**
   * Discord rejects an initial interaction response sent after 3 s (404, code 10062). Default 3000;
   * null disables the check.
   */
  readonly interactionResponseDeadlineMs?: number | null;
  /** How long `nonce` + `enforce_nonce` de-duplicates messages. Default 5 min ("a few minutes" in Discord's docs). */
  readonly nonceWindowMs?: number;
  /** Per-file upload limit; larger files get 413 code 40005. Default 10 MiB (bots' default limit). */
  readonly maxUploadBytes?: number;
}

/**
 * A fault the fake answers with instead of handling a request. Bodies and headers follow
 * https://discord.com/developers/docs/topics/rate-limits and .../topics/opcodes-and-status-codes
 */
export type FaultSpec =
  /** `afterHandling`: the request is applied first and only its answer is replaced by the 5xx (Discord did it, then failed to say so). */
  | { readonly kind: "server-error"; readonly status?: 500 | 502 | 503 | 504; readonly afterHandling?: boolean }
  | {
      readonly kind: "rate-limit";
      /** Seconds; fractional values are sent as-is (real Discord rounds the header up to whole seconds). */
      readonly retryAfterSeconds: number;
      readonly global?: boolean;
      readonly scope?: "user" | "shared";
    }
  /** 403 code 50007 "Cannot send messages to this user". */
  | { readonly kind: "cannot-message-user" }
  /** 404 code 10003 "Unknown Channel". */
  | { readonly kind: "unknown-channel" }
  /** 403 code 50001 "Missing Access". */
  | { readonly kind: "missing-access" }
  /** 403 code 50013 "Missing Permissions". */
  | { readonly kind: "missing-permissions" }
  /** 404 code 10062 "Unknown interaction". */
  | { readonly kind: "unknown-interaction" }
  /**
   * The TCP connection is destroyed without an answer. discord.js does NOT retry this (undici
   * reports SocketError UND_ERR_SOCKET "other side closed", not ECONNRESET); the caller sees the error.
   * With `afterHandling`, the fake first performs the request (e.g. creates the message) — Discord
   * did the work but the answer was lost, the case `nonce` + `enforce_nonce` exists for.
   */
  | { readonly kind: "connection-reset"; readonly afterHandling?: boolean }
  | { readonly kind: "custom"; readonly status: number; readonly body?: unknown; readonly headers?: Readonly<Record<string, string>> };

/**
 * Which requests a fault or delay applies to: `"POST /channels/:channelId/messages"` (`:name`
 * matches one path segment, `*` as method matches any; literal ids narrow it down), or a predicate.
 */
export type RouteMatcher = string | ((request: { readonly method: string; readonly path: string }) => boolean);

export interface RuleHandle {
  /** Requests this rule has acted on so far. */
  readonly hits: number;
  /** Requests it will still act on (Infinity for permanent rules). */
  readonly remaining: number;
  clear(): void;
}
