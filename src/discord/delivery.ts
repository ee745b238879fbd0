/**
 * Posting digests through discord.js's REST client (`client.rest`): its queue paces requests by
 * Discord's rate-limit buckets, waits out 429s and retries 5xx. What it cannot know is whether a
 * post it lost the answer to went through; for that every message carries a `nonce` with
 * `enforce_nonce` (Discord returns the first message for a repeated nonce within a few minutes)
 * and a reference in its footer, and forum threads are looked up by title before another is made.
 *
 * Creating a forum thread has no nonce: a 5xx or a timeout after Discord made the thread, retried
 * by discord.js's queue, makes a second thread. So that one request goes through a REST instance
 * with `retries: 0`, and after a failure whose outcome is unknown the thread is looked up by title.
 */
import {
  DiscordAPIError,
  HTTPError,
  REST,
  Routes,
  type APIChannel,
  type APIMessage,
  type APIThreadChannel,
  type RawFile,
} from "discord.js";
import { footerRef } from "./render/digest.js";
import { fitToLimits, type MessagePayload } from "./render/payload.js";

/**
 * The Discord message nonce of one ledger row (≤ 25 characters, as Discord requires): the
 * subscription id in base 36 and the week's date, e.g. `dg2s-20261116`.
 */
export function digestNonce(subscriptionId: number, week: string): string {
  return `dg${subscriptionId.toString(36)}-${week.replace(/-/g, "")}`;
}

/** The title of a forum digest thread (also how a lost thread is found again). */
export function digestThreadTitle(week: string): string {
  return `Diversification digest — week of ${week}`;
}

/** Where a post landed. For a forum post the starter message shares the thread's id. */
export interface PostedMessage {
  readonly channelId: string;
  readonly messageId: string;
  readonly threadId: string | null;
}

/**
 * What to do after a failed delivery:
 * - `disable`: Discord refused the target for good (403, unknown channel/guild/user, closed DMs);
 * - `fail`: this message can never succeed as it is (other 4xx: our bug), the week is failed;
 * - `retry`: 5xx after discord.js's own retries, timeouts, network errors — try again later.
 */
export interface DeliveryFailure {
  readonly action: "disable" | "fail" | "retry";
  /** What happened, as a stable code for logs, alerts on logs and tests (MonitoRSS's delivery results). */
  readonly failure: DeliveryFailureCode;
  /** What the subscriber is told (stored with the delivery and shown by /digest status, /alerts list). */
  readonly reason: string;
  /** What the log says: the HTTP status, Discord's code and message, never shown to users. */
  readonly internal: string;
  readonly status: number | null;
  readonly code: number | string | null;
}

/** Every way a delivery can fail, one code each. */
export const DELIVERY_FAILURE_CODES = [
  "dm-closed",
  "missing-access",
  "missing-permissions",
  "forbidden",
  "channel-gone",
  "guild-gone",
  "user-gone",
  "rate-limited",
  "unauthorized",
  "timeout",
  "rejected",
  "discord-unavailable",
  "reconcile-failed",
  "network",
] as const;
export type DeliveryFailureCode = (typeof DELIVERY_FAILURE_CODES)[number];

/** Discord error codes meaning the target itself is gone. */
const GONE_CODES = new Map<number, { failure: DeliveryFailureCode; reason: string }>([
  [10003, { failure: "channel-gone", reason: "the channel no longer exists" }],
  [10004, { failure: "guild-gone", reason: "the bot is no longer in that server" }],
  [10013, { failure: "user-gone", reason: "the user no longer exists" }],
]);

const FORBIDDEN_CODES = new Map<number, { failure: DeliveryFailureCode; reason: string }>([
  [50007, { failure: "dm-closed", reason: "Discord does not let the bot message you (direct messages are closed)" }],
  [50001, { failure: "missing-access", reason: "the bot cannot see that channel any more (Missing Access)" }],
  [50013, { failure: "missing-permissions", reason: "the bot lacks permission to post there (Missing Permissions)" }],
]);

const RETRY_FAILURES: Readonly<Record<number, DeliveryFailureCode>> = { 429: "rate-limited", 401: "unauthorized", 408: "timeout" };

/** A lookup that must succeed before posting could be safe (e.g. is the thread already there?). */
export class ReconcileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ReconcileError";
  }
}

export function classifyDeliveryError(err: unknown): DeliveryFailure {
  if (err instanceof DiscordAPIError) {
    const code = typeof err.code === "number" ? err.code : null;
    const internal = `Discord answered ${err.status}, code ${String(err.code)}: ${err.message}`.slice(0, 300);
    if (err.status === 403) {
      const known = code !== null ? FORBIDDEN_CODES.get(code) : undefined;
      return { action: "disable", failure: known?.failure ?? "forbidden", reason: known?.reason ?? "Discord refused the post (the bot may not post there)", internal, status: 403, code: err.code };
    }
    const gone = err.status === 404 && code !== null ? GONE_CODES.get(code) : undefined;
    if (gone) return { action: "disable", failure: gone.failure, reason: gone.reason, internal, status: 404, code };
    const retry = RETRY_FAILURES[err.status];
    if (retry) {
      // 429 only surfaces here when discord.js is told to reject on rate limits; 401 is our token, not the subscriber.
      return { action: "retry", failure: retry, reason: "Discord was not taking messages from the bot; it will try again", internal, status: err.status, code: err.code };
    }
    return { action: "fail", failure: "rejected", reason: `Discord rejected the message (${err.status})`, internal, status: err.status, code: err.code };
  }
  if (err instanceof ReconcileError) {
    return { action: "retry", failure: "reconcile-failed", reason: "the bot could not check what was already posted; it will try again", internal: err.message.slice(0, 300), status: null, code: null };
  }
  if (err instanceof HTTPError) {
    return { action: "retry", failure: "discord-unavailable", reason: `Discord answered ${err.status} after retries`, internal: `HTTP ${err.status} after discord.js's retries: ${err.message}`.slice(0, 300), status: err.status, code: null };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { action: "retry", failure: "network", reason: "Discord could not be reached; it will try again", internal: message.slice(0, 300), status: null, code: null };
}

const DISCORD_EPOCH = 1_420_070_400_000n;

/** The smallest snowflake of instant `ms` (for `after=` queries). */
export function snowflakeAt(ms: number): string {
  const t = BigInt(Math.max(0, Math.floor(ms))) - DISCORD_EPOCH;
  return (t > 0n ? t << 22n : 0n).toString();
}

/** A plain payload as a REST message body plus the files discord.js sends as multipart. */
export function restMessage(payload: MessagePayload): { body: Record<string, unknown>; files: RawFile[] } {
  const fitted = fitToLimits(payload);
  const files = fitted.files ?? [];
  return {
    body: {
      content: fitted.content ?? "",
      embeds: [...(fitted.embeds ?? [])],
      // Digests mention members by id to name them, never to ping them.
      allowed_mentions: { parse: [] },
      attachments: files.map((f, i) => ({ id: i, filename: f.name, ...(f.description ? { description: f.description } : {}) })),
    },
    files: files.map((f, i) => ({ name: f.name, data: f.data, key: `files[${i}]`, ...(f.name.endsWith(".png") ? { contentType: "image/png" } : {}) })),
  };
}

function hasRef(message: APIMessage, ref: string): boolean {
  if (message.nonce === ref) return true;
  const marker = footerRef(ref);
  return message.embeds.some((e) => (e.footer?.text ?? "").split(" · ").includes(marker));
}

export interface DiscordDelivery {
  botUserId(): Promise<string>;
  /** The DM channel with a user (Discord returns the same one every time). */
  openDm(userId: string): Promise<string>;
  /** Posts with `nonce` + `enforce_nonce`: a repeat within Discord's window returns the first message. */
  postMessage(channelId: string, payload: MessagePayload, nonce: string): Promise<PostedMessage>;
  /** Opens a forum post (a thread) whose starter message is the payload. */
  createForumPost(forumId: string, title: string, payload: MessagePayload): Promise<PostedMessage>;
  /** The bot's message carrying `ref` posted in the channel since `since`, if any. */
  findPosted(channelId: string, ref: string, since: Date): Promise<string | null>;
  /** The bot's thread in the forum with exactly this title, if any. @throws ReconcileError when it cannot tell */
  findThread(guildId: string, forumId: string, title: string): Promise<string | null>;
}

/** A REST client like `rest` (same API base, agent, timeouts) that never repeats a request itself. */
export function singleShotRest(rest: REST, token: string): REST {
  return new REST({ ...rest.options, retries: 0 }).setToken(token);
}

/** Whether Discord may have applied a request that failed this way (5xx, timeout, lost connection). */
function outcomeUnknown(err: unknown): boolean {
  return !(err instanceof DiscordAPIError) && classifyDeliveryError(err).action === "retry";
}

export interface DeliveryOptions {
  readonly botUserId?: string | null;
  /** The bot token, for the no-retry client that creates forum threads (`client.token`). */
  readonly token?: string | null;
  /** Or that client itself (`retries: 0`); made from `rest` and `token` when absent. */
  readonly singleShot?: REST;
}

export function createDiscordDelivery(rest: REST, options: DeliveryOptions = {}): DiscordDelivery {
  let once: REST | null = options.singleShot ?? null;
  const singleShot = (): REST => {
    if (once) return once;
    if (!options.token) throw new Error("createDiscordDelivery needs options.token (or options.singleShot) to open forum posts without blind retries");
    once = singleShotRest(rest, options.token);
    return once;
  };
  let botId: Promise<string> | null = options.botUserId ? Promise.resolve(options.botUserId) : null;
  const botUserId = () => {
    botId ??= (rest.get(Routes.user("@me")) as Promise<{ id: string }>).then((u) => u.id);
    botId.catch(() => {
      botId = null;
    });
    return botId;
  };

  async function findThread(guildId: string, forumId: string, title: string, known?: APIChannel & { last_message_id?: string | null }): Promise<string | null> {
    try {
      const me = await botUserId();
      const isOurs = (t: Partial<APIThreadChannel>) => t.parent_id === forumId && t.name === title && (t.owner_id === undefined || t.owner_id === me);
      // The newest post in a forum is its last_message_id: usually the one we just made.
      const forum = known ?? ((await rest.get(Routes.channel(forumId))) as APIChannel & { last_message_id?: string | null });
      if (forum.last_message_id) {
        const newest = (await rest.get(Routes.channel(forum.last_message_id)).catch((e: unknown) => {
          if (e instanceof DiscordAPIError && e.status === 404) return null;
          throw e;
        })) as APIThreadChannel | null;
        if (newest && isOurs(newest)) return newest.id;
      }
      // Otherwise every active thread of the guild (digest threads stay active for a week).
      const active = (await rest.get(Routes.guildActiveThreads(guildId))) as { threads: APIThreadChannel[] };
      const found = active.threads.find(isOurs);
      if (found) return found.id;
      // An archived one (closed by a moderator, or older than its week): the forum's newest archived posts.
      const archived = (await rest.get(Routes.channelThreads(forumId, "public"), { query: new URLSearchParams({ limit: "50" }) }).catch((e: unknown) => {
        // Listing archived threads needs Read Message History; without it the active list is all we can see.
        if (e instanceof DiscordAPIError && e.status === 403) return { threads: [] };
        throw e;
      })) as { threads: APIThreadChannel[] };
      return archived.threads.find(isOurs)?.id ?? null;
    } catch (err) {
      // A forum that is gone or closed to the bot is the subscription's problem, not the lookup's.
      if (err instanceof ReconcileError || classifyDeliveryError(err).action === "disable") throw err;
      throw new ReconcileError(`could not check whether the forum post exists (${err instanceof Error ? err.message : String(err)})`, { cause: err });
    }
  }

  const asPosted = (threadId: string): PostedMessage => ({ channelId: threadId, messageId: threadId, threadId });

  return {
    botUserId,

    async openDm(userId) {
      const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as APIChannel;
      return channel.id;
    },

    async postMessage(channelId, payload, nonce) {
      const { body, files } = restMessage(payload);
      const message = (await rest.post(Routes.channelMessages(channelId), { body: { ...body, nonce, enforce_nonce: true }, files })) as APIMessage;
      return { channelId: message.channel_id, messageId: message.id, threadId: null };
    },

    async createForumPost(forumId, title, payload) {
      const client = singleShot();
      const forum = (await rest.get(Routes.channel(forumId))) as APIChannel & { guild_id?: string; last_message_id?: string | null; available_tags?: Array<{ id: string; name: string }> };
      const guildId = forum.guild_id ?? "";
      // Look first: an earlier attempt (this process or one before it) may have made it.
      const existing = await findThread(guildId, forumId, title, forum);
      if (existing) return asPosted(existing);
      // A forum may require a tag; use one called "digest" when the forum has it.
      const tag = forum.available_tags?.find((t) => t.name.trim().toLowerCase() === "digest");
      const { body, files } = restMessage(payload);
      let thread: APIThreadChannel & { message?: APIMessage };
      try {
        thread = (await client.post(Routes.threads(forumId), {
          body: { name: title, auto_archive_duration: 10080, message: body, ...(tag ? { applied_tags: [tag.id] } : {}) },
          files,
        })) as APIThreadChannel & { message?: APIMessage };
      } catch (err) {
        if (!outcomeUnknown(err)) throw err;
        // Discord may have made it before failing to answer: look again instead of posting again.
        const made = await findThread(guildId, forumId, title);
        if (made) return asPosted(made);
        throw err;
      }
      return { channelId: thread.id, messageId: thread.message?.id ?? thread.id, threadId: thread.id };
    },

    async findPosted(channelId, ref, since) {
      const me = await botUserId();
      // A minute of slack for clock differences between us and Discord.
      const query = new URLSearchParams({ limit: "100", after: snowflakeAt(since.getTime() - 60_000) });
      const messages = (await rest.get(Routes.channelMessages(channelId), { query })) as APIMessage[];
      return messages.find((m) => m.author.id === me && hasRef(m, ref))?.id ?? null;
    },

    findThread(guildId, forumId, title) {
      return findThread(guildId, forumId, title);
    },
  };
}
