import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { APIApplicationCommand, APIInteraction, ApplicationIntegrationType, InteractionContextType, APIMessage, APIMessageInteractionMetadata, ClientOptions } from "discord.js";
import { ApplicationCommandType, ChannelType, InteractionResponseType, InteractionType, MessageFlags, MessageType } from "discord.js";
import { compileRoutePattern, createRule, faultResponse, matchRoute, type Rule, type RoutePattern } from "./faults.js";
import { FakeGateway, type DropOptions } from "./gateway.js";
import {
  InteractionBuilder,
  InteractionHandle,
  type AutocompleteInput,
  type ChatInputInput,
  type ComponentInput,
  type InteractionCall,
  type InteractionCallKind,
  type SelectInput,
} from "./interactions.js";
import { multipartBoundary, parseMultipart } from "./multipart.js";
import { createSnowflakeGenerator } from "./snowflake.js";
import { DiscordHttpError, FakeStore, unknownMessage, type ChannelRecord, type MessageWrite } from "./store.js";
import type {
  FakeChannelInput,
  FakeDiscordOptions,
  FakeGuildInput,
  FakeUserInput,
  FaultSpec,
  RecordedCall,
  RecordedFile,
  RouteMatcher,
  RuleHandle,
  StoredMessage,
} from "./types.js";
import { validateAutocompleteData } from "./validation.js";

interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
}

interface RequestContext {
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly body: Record<string, unknown>;
  readonly rawJson: unknown;
  readonly files: readonly RecordedFile[];
  readonly call: RecordedCall;
}

interface Route {
  readonly pattern: RoutePattern;
  /** Needs `Authorization: Bot <token>` (interaction callbacks and webhook-token routes do not). */
  readonly auth: boolean;
  /** Which interaction request this is, for the interaction's handle. */
  readonly interactionKind?: (params: Readonly<Record<string, string>>) => InteractionCallKind;
  readonly handle: (ctx: RequestContext) => RouteResult | Promise<RouteResult>;
}

const NOT_FOUND = { message: "404: Not Found", code: 0 } as const;
const UNAUTHORIZED = { message: "401: Unauthorized", code: 0 } as const;
const unknownWebhook = (): DiscordHttpError => new DiscordHttpError(404, { message: "Unknown Webhook", code: 10015 });
const unknownInteraction = (): DiscordHttpError => new DiscordHttpError(404, { message: "Unknown interaction", code: 10062 });
const missingAccess = (): DiscordHttpError => new DiscordHttpError(403, { message: "Missing Access", code: 50001 });

/** Interaction response types each interaction type may answer with. */
const ALLOWED_CALLBACKS: Readonly<Record<number, readonly InteractionResponseType[]>> = {
  [InteractionType.ApplicationCommand]: [4, 5, 9],
  [InteractionType.MessageComponent]: [4, 5, 6, 7, 9],
  [InteractionType.ApplicationCommandAutocomplete]: [8],
  [InteractionType.ModalSubmit]: [4, 5, 6, 7],
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/**
 * A stand-in Discord on 127.0.0.1: REST API v10 + gateway v10 (JSON, uncompressed) that a real
 * discord.js v14 Client logs into. It records every request, keeps messages, dispatches
 * interactions to the shard that owns them, and injects faults on demand.
 */
export class FakeDiscord {
  readonly token: string;
  readonly applicationId: string;
  /** Every request, in arrival order (including rejected and faulted ones). */
  readonly calls: RecordedCall[] = [];
  /** Requests no route handled (answered 404); a test can assert this stays empty. */
  readonly unhandled: RecordedCall[] = [];
  /** Dispatched interactions by id. */
  readonly interactions = new Map<string, InteractionHandle>();
  readonly gateway: FakeGateway;
  readonly store: FakeStore;
  private readonly server: Server;
  private readonly nextId = createSnowflakeGenerator();
  private readonly builder: InteractionBuilder;
  private readonly routes: Route[];
  private readonly faults: Rule<FaultSpec>[] = [];
  private readonly delays: Rule<number>[] = [];
  private readonly interactionsByToken = new Map<string, InteractionHandle>();
  private readonly callWaiters = new Set<{ readonly test: (call: RecordedCall) => boolean; readonly resolve: (call: RecordedCall) => void }>();
  private readonly options: FakeDiscordOptions;
  private port = 0;
  private seq = 0;

  constructor(options: FakeDiscordOptions = {}) {
    this.options = options;
    this.token = options.token ?? "fake-bot-token";
    this.applicationId = options.applicationId ?? this.nextId();
    this.store = new FakeStore(
      {
        token: this.token,
        applicationId: this.applicationId,
        nonceWindowMs: options.nonceWindowMs ?? 5 * 60_000,
        maxUploadBytes: options.maxUploadBytes ?? 10 * 1024 * 1024,
        ...(options.botUsername !== undefined ? { botUsername: options.botUsername } : {}),
      },
      this.nextId,
      () => this.origin,
    );
    for (const user of options.users ?? []) this.store.addUser(user);
    for (const guild of options.guilds ?? []) this.store.addGuild(guild);
    for (const channel of options.channels ?? []) this.store.addChannel(channel);
    this.builder = new InteractionBuilder(this.store, this.nextId, () => `fake-itoken.${randomBytes(24).toString("base64url")}`);
    this.gateway = new FakeGateway({
      token: this.token,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      resumeUrl: () => `ws://127.0.0.1:${this.port}/gateway-resume`,
      readyBase: () => ({
        user: { ...this.store.apiUser(this.store.botUser), bot: true, verified: true, mfa_enabled: false, email: null },
        application: { id: this.applicationId, flags: options.applicationFlags ?? 0 },
        private_channels: [],
        relationships: [],
        presences: [],
        guild_join_requests: [],
        geo_ordered_rtc_regions: ["fake"],
        auth: {},
        user_settings: {},
        _trace: ['["fake-gateway",{"micros":0}]'],
      }),
      guildIds: () => [...this.store.guilds.keys()],
      guildCreate: (id) => this.store.apiGuild(this.store.guilds.get(id)!, true),
    });
    this.routes = this.buildRoutes();
    this.server = createServer((request, response) => {
      void this.onRequest(request, response);
    });
    this.server.on("upgrade", (request: IncomingMessage, socket, head: Buffer) => {
      const path = new URL(request.url ?? "/", "http://fake").pathname;
      if (path === "/gateway" || path === "/gateway-resume") this.gateway.handleUpgrade(request, socket, head);
      else socket.destroy();
    });
  }

  /** Starts listening on an ephemeral port of 127.0.0.1. */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The `rest.api` a discord.js client needs (it appends `/v10` itself). */
  get restBase(): string {
    return `${this.origin}/api`;
  }

  /** What GET /gateway/bot answers as `url`. */
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  get botUserId(): string {
    return this.store.botUser.id;
  }

  /** Visible messages per channel id, in creation order (deleted ones stay, flagged `deleted`). */
  get messages(): ReadonlyMap<string, readonly StoredMessage[]> {
    return this.store.channelMessages;
  }

  /** Commands as last registered via bulk overwrite: global, and per guild id. */
  get commands(): { readonly global: readonly APIApplicationCommand[]; readonly guild: ReadonlyMap<string, readonly APIApplicationCommand[]> } {
    return { global: this.store.globalCommands, guild: this.store.guildCommands };
  }

  /** Answered requests whose matched route is `route` (e.g. `"POST /channels/:channelId/messages"`) or that match it literally. */
  callsTo(route: string): RecordedCall[] {
    const pattern = compileRoutePattern(route);
    return this.calls.filter((call) => call.route === route || matchRoute(pattern, call.method, call.path) !== null);
  }

  /** Resolves with the first answered request matching `test`, including ones already answered. */
  waitForCall(test: (call: RecordedCall) => boolean, timeoutMs = 5_000): Promise<RecordedCall> {
    const done = this.calls.find((call) => call.status !== 0 && test(call));
    if (done) return Promise.resolve(done);
    return new Promise((resolve, reject) => {
      const waiter = {
        test,
        resolve: (call: RecordedCall) => {
          clearTimeout(timer);
          resolve(call);
        },
      };
      const timer = setTimeout(() => {
        this.callWaiters.delete(waiter);
        reject(new Error(`fake-discord: no matching request within ${timeoutMs} ms`));
      }, timeoutMs);
      this.callWaiters.add(waiter);
    });
  }

  /** Answers the next `times` requests matching `route` with a fault instead of handling them. */
  fault(route: RouteMatcher, spec: FaultSpec, options: { readonly times?: number } = {}): RuleHandle {
    const rule = createRule(route, spec, options.times ?? 1);
    this.faults.push(rule);
    return rule;
  }

  /** Holds matching requests for `ms` before handling them (default: every matching request until cleared). */
  delay(route: RouteMatcher, ms: number, options: { readonly times?: number } = {}): RuleHandle {
    const rule = createRule(route, ms, options.times ?? Number.POSITIVE_INFINITY);
    this.delays.push(rule);
    return rule;
  }

  addUser(input: FakeUserInput): void {
    this.store.addUser(input);
  }

  addChannel(input: FakeChannelInput): void {
    this.store.addChannel(input);
  }

  /** Adds a guild; if a connected shard owns it, dispatches GUILD_CREATE to it (as when the bot joins a guild). */
  addGuild(input: FakeGuildInput, channels: readonly FakeChannelInput[] = []): void {
    const guild = this.store.addGuild(input);
    for (const channel of channels) this.store.addChannel({ ...channel, guildId: guild.id });
    const session = this.gateway.sessionForGuild(guild.id);
    if (session) this.gateway.dispatch({ id: session.sessionId }, "GUILD_CREATE", this.store.apiGuild(guild, true));
  }

  /** The id of the (stable) DM channel between the bot and `userId`. */
  dmChannelFor(userId: string): string {
    return this.store.dmChannelFor(userId).id;
  }

  chatInput(input: ChatInputInput): ReturnType<InteractionBuilder["chatInput"]> {
    return this.builder.chatInput(input);
  }

  autocomplete(input: AutocompleteInput): ReturnType<InteractionBuilder["autocomplete"]> {
    return this.builder.autocomplete(input);
  }

  button(input: ComponentInput): ReturnType<InteractionBuilder["button"]> {
    return this.builder.button(input);
  }

  stringSelect(input: SelectInput): ReturnType<InteractionBuilder["stringSelect"]> {
    return this.builder.stringSelect(input);
  }

  /**
   * Dispatches INTERACTION_CREATE to the shard owning the interaction's guild (DMs: shard 0).
   * @throws when no identified session owns that shard
   */
  sendInteraction(payload: APIInteraction): InteractionHandle {
    const guildId = "guild_id" in payload ? payload.guild_id : undefined;
    const session = this.gateway.sessionForGuild(guildId);
    if (!session) {
      const shards = this.gateway.sessionList.filter((s) => s.resumable).map((s) => `[${s.shard.join(",")}]`);
      throw new Error(`fake-discord: no gateway session owns ${guildId === undefined ? "DMs (shard 0)" : `guild ${guildId}`}; live shards: ${shards.join(" ") || "none"}`);
    }
    const handle = new InteractionHandle(payload, session.shard[0], performance.now());
    this.interactions.set(handle.id, handle);
    this.interactionsByToken.set(handle.token, handle);
    if (payload.message && !this.store.messagesById.has(payload.message.id)) this.adoptMessage(payload.message);
    this.gateway.dispatch({ id: session.sessionId }, "INTERACTION_CREATE", payload);
    return handle;
  }

  /** Dispatches any gateway event to the shard owning `guildId` (or to `shardId`); returns its sequence number. */
  dispatch(event: string, data: unknown, target: { readonly guildId?: string; readonly shardId?: number } = {}): number {
    const session = target.shardId !== undefined ? this.gateway.sessionForShard(target.shardId) : this.gateway.sessionForGuild(target.guildId);
    if (!session) throw new Error(`fake-discord: no gateway session for ${JSON.stringify(target)}`);
    return this.gateway.dispatch({ id: session.sessionId }, event, data);
  }

  /** Cuts gateway connections (default: all, close code 4000, resumable); returns how many. */
  dropConnection(options: DropOptions = {}): number {
    return this.gateway.drop(options);
  }

  /** Sends op 7 RECONNECT, after which discord.js reconnects and resumes. */
  requestReconnect(shardId?: number): void {
    this.gateway.requestReconnect(shardId);
  }

  async close(): Promise<void> {
    this.gateway.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /** Registers a message the test built itself (e.g. a component's message) so the fake can update it. */
  private adoptMessage(message: APIMessage): StoredMessage {
    const stored: StoredMessage = { id: message.id, channelId: message.channel_id, origin: "channel", ephemeral: false, data: message, history: [], uploads: [], deleted: false };
    this.store.messagesById.set(message.id, stored);
    return stored;
  }

  // ---------------------------------------------------------------- HTTP plumbing

  private async onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const url = new URL(request.url ?? "/", this.origin);
    const method = (request.method ?? "GET").toUpperCase();
    const raw = await readBody(request);
    const apiPrefix = "/api/v10";
    const isApi = url.pathname === apiPrefix || url.pathname.startsWith(`${apiPrefix}/`);
    // Decoded per segment: discord.js sends `@original` as `%40original`.
    const rawPath = isApi ? url.pathname.slice(apiPrefix.length) || "/" : url.pathname;
    const path = rawPath.split("/").map((segment) => safeDecode(segment)).join("/");
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]));

    let json: unknown;
    let files: RecordedFile[] = [];
    let decodeError: DiscordHttpError | undefined;
    try {
      ({ json, files } = this.decodeBody(raw, headers["content-type"] ?? ""));
    } catch (error) {
      decodeError = error instanceof DiscordHttpError ? error : new DiscordHttpError(400, { message: "Invalid Form Body", code: 50035 });
    }
    const call: RecordedCall = {
      seq: ++this.seq,
      method,
      path,
      route: null,
      query: Object.fromEntries(url.searchParams),
      headers,
      json,
      files,
      receivedAt,
      status: 0,
      response: undefined,
      fault: undefined,
    };
    this.calls.push(call);

    let interactionEntry: { readonly handle: InteractionHandle; readonly entry: InteractionCall } | undefined;
    const finish = (status: number, body: unknown, extraHeaders: Readonly<Record<string, string>> = {}): void => {
      call.status = status;
      call.response = body;
      const out: Record<string, string> = { ...extraHeaders };
      let payload: string | undefined;
      if (body !== undefined && status !== 204) {
        out["content-type"] = "application/json";
        payload = JSON.stringify(body);
      }
      response.writeHead(status, out);
      response.end(payload);
      if (interactionEntry) interactionEntry.handle.finish(interactionEntry.entry);
      for (const waiter of this.callWaiters) {
        if (waiter.test(call)) {
          this.callWaiters.delete(waiter);
          waiter.resolve(call);
        }
      }
    };

    for (const rule of this.delays) {
      if (rule.matches(method, path) && rule.take()) await sleep(rule.value);
    }

    if (!isApi) {
      this.serveAttachment(call, finish, response);
      return;
    }

    let matched: { readonly route: Route; readonly params: Record<string, string> } | undefined;
    for (const route of this.routes) {
      const params = matchRoute(route.pattern, method, path);
      if (params) {
        matched = { route, params };
        break;
      }
    }
    if (!matched) {
      this.unhandled.push(call);
      finish(404, NOT_FOUND);
      return;
    }
    const { route, params } = matched;
    call.route = route.pattern.source;
    if (route.interactionKind) {
      const handle = params.interactionId !== undefined ? this.interactions.get(params.interactionId) : this.interactionsByToken.get(params.token ?? "");
      if (handle && handle.token === params.token) interactionEntry = { handle, entry: handle.begin(route.interactionKind(params), call) };
    }
    if (route.auth && headers.authorization !== `Bot ${this.token}`) {
      finish(401, UNAUTHORIZED);
      return;
    }
    const fault = this.faults.find((rule) => rule.matches(method, path) && rule.take());
    if (fault) {
      call.fault = fault.value.kind;
      if (fault.value.kind === "connection-reset") {
        if (fault.value.afterHandling && !decodeError) {
          const result = await this.runRoute(route, params, json, files, call);
          call.response = result.body;
        }
        call.status = -1;
        response.socket?.destroy();
        if (interactionEntry) interactionEntry.handle.finish(interactionEntry.entry);
        return;
      }
      // Applied, then answered with the fault: the caller cannot tell that it went through.
      if (fault.value.kind === "server-error" && fault.value.afterHandling && !decodeError) await this.runRoute(route, params, json, files, call);
      const answer = faultResponse(fault.value, route.pattern.source.replace(/\W+/g, "-"));
      finish(answer.status, answer.body, answer.headers);
      return;
    }
    if (decodeError) {
      finish(decodeError.status, decodeError.body);
      return;
    }
    const result = await this.runRoute(route, params, json, files, call);
    finish(result.status, result.body);
  }

  private async runRoute(route: Route, params: Record<string, string>, json: unknown, files: readonly RecordedFile[], call: RecordedCall): Promise<RouteResult> {
    try {
      return await route.handle({ params, query: call.query, body: isRecord(json) ? json : {}, rawJson: json, files, call });
    } catch (error) {
      if (error instanceof DiscordHttpError) return { status: error.status, body: error.body };
      return { status: 500, body: { message: `500: Internal Server Error (fake-discord: ${String(error)})`, code: 0 } };
    }
  }

  private decodeBody(raw: Buffer, contentType: string): { json: unknown; files: RecordedFile[] } {
    if (raw.length === 0) return { json: undefined, files: [] };
    if (contentType.startsWith("application/json")) {
      try {
        return { json: JSON.parse(raw.toString("utf8")) as unknown, files: [] };
      } catch {
        throw new DiscordHttpError(400, { message: "The request body contains invalid JSON.", code: 50109 });
      }
    }
    if (contentType.startsWith("multipart/form-data")) {
      const boundary = multipartBoundary(contentType);
      if (boundary === undefined) throw new DiscordHttpError(400, { message: "Invalid Form Body", code: 50035 });
      const parts = parseMultipart(raw, boundary);
      const payloadPart = parts.find((part) => part.name === "payload_json");
      let json: unknown;
      if (payloadPart) {
        try {
          json = JSON.parse(payloadPart.data.toString("utf8")) as unknown;
        } catch {
          throw new DiscordHttpError(400, { message: "The request body contains invalid JSON.", code: 50109 });
        }
      }
      const files = parts
        .filter((part) => part.filename !== undefined)
        .map((part): RecordedFile => ({ fieldName: part.name, name: part.filename!, contentType: part.contentType, bytes: part.data }));
      return { json, files };
    }
    return { json: raw.toString("utf8"), files: [] };
  }

  /** Serves uploaded bytes at attachment urls (what cdn.discordapp.com does). */
  private serveAttachment(call: RecordedCall, finish: (status: number, body: unknown) => void, response: ServerResponse): void {
    const match = /^\/(?:ephemeral-)?attachments\/\d+\/(\d+)\/[^/]+$/.exec(call.path);
    const attachment = match && call.method === "GET" ? this.store.attachments.get(match[1]!) : undefined;
    if (!attachment) {
      this.unhandled.push(call);
      finish(404, NOT_FOUND);
      return;
    }
    call.route = "GET /attachments/:channelId/:attachmentId/:filename";
    call.status = 200;
    response.writeHead(200, { "content-type": attachment.contentType ?? "application/octet-stream", "content-length": String(attachment.bytes.length) });
    response.end(attachment.bytes);
    for (const waiter of this.callWaiters) {
      if (waiter.test(call)) {
        this.callWaiters.delete(waiter);
        waiter.resolve(call);
      }
    }
  }

  // ---------------------------------------------------------------- routes

  private buildRoutes(): Route[] {
    const route = (source: string, auth: boolean, handle: Route["handle"], interactionKind?: Route["interactionKind"]): Route => ({
      pattern: compileRoutePattern(source),
      auth,
      handle,
      ...(interactionKind ? { interactionKind } : {}),
    });
    const ok = (body: unknown): RouteResult => ({ status: 200, body });
    const noContent: RouteResult = { status: 204 };
    const s = this.store;
    return [
      route("GET /gateway", false, () => ok({ url: this.gatewayUrl })),
      route("GET /gateway/bot", true, () =>
        ok({
          url: this.gatewayUrl,
          shards: this.options.recommendedShards ?? 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
        }),
      ),
      route("GET /users/@me", true, () => ok({ ...s.apiUser(s.botUser), bot: true, verified: true, mfa_enabled: false, email: null, locale: "en-US" })),
      route("GET /users/:userId", true, ({ params }) => {
        const user = s.users.get(params.userId!);
        if (!user) throw new DiscordHttpError(404, { message: "Unknown User", code: 10013 });
        return ok(s.apiUser(user));
      }),
      route("POST /users/@me/channels", true, ({ body }) => {
        if (typeof body.recipient_id !== "string") {
          throw new DiscordHttpError(400, { code: 50035, message: "Invalid Form Body", errors: { recipient_id: { _errors: [{ code: "BASE_TYPE_REQUIRED", message: "This field is required" }] } } });
        }
        return ok(s.apiChannel(s.dmChannelFor(body.recipient_id)));
      }),
      route("GET /applications/@me", true, () =>
        ok({
          id: this.applicationId,
          name: s.botUser.username,
          icon: null,
          description: "",
          summary: "",
          type: null,
          hook: true,
          bot_public: true,
          bot_require_code_grant: false,
          verify_key: "0".repeat(64),
          flags: this.options.applicationFlags ?? 0,
          owner: s.apiUser([...s.users.values()].find((u) => !u.bot) ?? s.botUser),
          team: null,
          bot: s.apiUser(s.botUser),
          approximate_guild_count: s.guilds.size,
          interactions_endpoint_url: null,
          install_params: { scopes: ["bot", "applications.commands"], permissions: "0" },
          integration_types_config: { "0": {} },
        }),
      ),
      route("GET /applications/:appId/commands", true, ({ params }) => {
        this.assertOwnApplication(params.appId!);
        return ok(s.globalCommands);
      }),
      route("PUT /applications/:appId/commands", true, ({ params, rawJson }) => {
        this.assertOwnApplication(params.appId!);
        const commands = this.overwriteCommands(rawJson, s.globalCommands, undefined);
        s.globalCommands.splice(0, s.globalCommands.length, ...commands);
        return ok(commands);
      }),
      route("GET /applications/:appId/guilds/:guildId/commands", true, ({ params }) => {
        this.assertOwnApplication(params.appId!);
        if (!s.guilds.has(params.guildId!)) throw missingAccess();
        return ok(s.guildCommands.get(params.guildId!) ?? []);
      }),
      route("PUT /applications/:appId/guilds/:guildId/commands", true, ({ params, rawJson }) => {
        this.assertOwnApplication(params.appId!);
        if (!s.guilds.has(params.guildId!)) throw missingAccess();
        const commands = this.overwriteCommands(rawJson, s.guildCommands.get(params.guildId!) ?? [], params.guildId);
        s.guildCommands.set(params.guildId!, commands);
        return ok(commands);
      }),
      route("GET /guilds/:guildId", true, ({ params }) => {
        const guild = s.guilds.get(params.guildId!);
        if (!guild) throw new DiscordHttpError(404, { message: "Unknown Guild", code: 10004 });
        return ok(s.apiGuild(guild, false));
      }),
      route("GET /guilds/:guildId/channels", true, ({ params }) => {
        if (!s.guilds.has(params.guildId!)) throw new DiscordHttpError(404, { message: "Unknown Guild", code: 10004 });
        return ok([...s.channels.values()].filter((c) => c.guildId === params.guildId && !c.thread).map((c) => s.apiChannel(c)));
      }),
      route("GET /guilds/:guildId/threads/active", true, ({ params }) => {
        if (!s.guilds.has(params.guildId!)) throw new DiscordHttpError(404, { message: "Unknown Guild", code: 10004 });
        // The fake never archives threads: every thread of the guild is active.
        const threadTypes: readonly ChannelType[] = [ChannelType.PublicThread, ChannelType.PrivateThread, ChannelType.AnnouncementThread];
        const threads = [...s.channels.values()].filter((c) => c.guildId === params.guildId && threadTypes.includes(c.type));
        return ok({ threads: threads.map((c) => s.apiChannel(c)), members: [] });
      }),
      route("GET /channels/:channelId/threads/archived/public", true, ({ params }) => {
        s.channelOrThrow(params.channelId!);
        return ok({ threads: [], members: [], has_more: false });
      }),
      route("GET /channels/:channelId", true, ({ params }) => ok(s.apiChannel(s.channelOrThrow(params.channelId!)))),
      route("GET /channels/:channelId/messages", true, ({ params, query }) => {
        s.channelOrThrow(params.channelId!);
        const limit = Math.min(Math.max(Number(query.limit ?? 50) || 50, 1), 100);
        const visible = (s.channelMessages.get(params.channelId!) ?? []).filter((m) => !m.deleted);
        return ok(visible.slice(-limit).reverse().map((m) => m.data));
      }),
      route("POST /channels/:channelId/messages", true, ({ params, body, files }) => {
        const channel = s.channelOrThrow(params.channelId!);
        this.assertCanPost(channel);
        const message = s.createMessage({
          channelId: channel.id,
          origin: "channel",
          write: { body, files },
          type: isRecord(body.message_reference) ? MessageType.Reply : MessageType.Default,
        });
        return ok(message.data);
      }),
      route("GET /channels/:channelId/messages/:messageId", true, ({ params }) => ok(this.channelMessage(params).data)),
      route("PATCH /channels/:channelId/messages/:messageId", true, ({ params, body, files }) => ok(s.editMessage(this.channelMessage(params), { body, files }).data)),
      route("DELETE /channels/:channelId/messages/:messageId", true, ({ params }) => {
        s.deleteMessage(this.channelMessage(params));
        return noContent;
      }),
      route("POST /channels/:channelId/threads", true, ({ params, body, files }) => ok(this.createThread(s.channelOrThrow(params.channelId!), { body, files }))),
      route("POST /interactions/:interactionId/:token/callback", false, (ctx) => this.interactionCallback(ctx), () => "callback"),
      route("GET /webhooks/:appId/:token/messages/:messageId", false, ({ params }) => ok(this.webhookMessage(params).data), (p) => (p.messageId === "@original" ? "get-original" : "get-followup")),
      route("PATCH /webhooks/:appId/:token/messages/:messageId", false, ({ params, body, files }) => ok(s.editMessage(this.webhookMessage(params), { body, files }).data), (p) => (p.messageId === "@original" ? "edit-original" : "edit-followup")),
      route("DELETE /webhooks/:appId/:token/messages/:messageId", false, ({ params }) => {
        s.deleteMessage(this.webhookMessage(params));
        return noContent;
      }, (p) => (p.messageId === "@original" ? "delete-original" : "delete-followup")),
      route("POST /webhooks/:appId/:token", false, (ctx) => this.followUp(ctx), () => "followup"),
    ];
  }

  private assertOwnApplication(appId: string): void {
    if (appId !== this.applicationId) throw new DiscordHttpError(403, { message: "Missing Access", code: 50001 });
  }

  private assertCanPost(channel: ChannelRecord): void {
    const textLike = [ChannelType.GuildText, ChannelType.DM, ChannelType.GuildAnnouncement, ChannelType.PublicThread, ChannelType.PrivateThread, ChannelType.AnnouncementThread, ChannelType.GuildVoice];
    if (!textLike.includes(channel.type)) throw new DiscordHttpError(400, { message: "Cannot send messages in a non-text channel", code: 50008 });
    if (channel.type === ChannelType.DM && this.store.users.get(channel.recipientId!)?.acceptsDms === false) {
      throw new DiscordHttpError(403, { message: "Cannot send messages to this user", code: 50007 });
    }
  }

  private channelMessage(params: Readonly<Record<string, string>>): StoredMessage {
    this.store.channelOrThrow(params.channelId!);
    const message = this.store.messagesById.get(params.messageId!);
    if (!message || message.deleted || message.ephemeral || message.channelId !== params.channelId) throw unknownMessage();
    return message;
  }

  /** POST /channels/:id/threads — forum/media posts need `message`; text channels create a bare thread. */
  private createThread(parent: ChannelRecord, write: MessageWrite): Record<string, unknown> {
    const { body, files } = write;
    const isForum = parent.type === ChannelType.GuildForum || parent.type === ChannelType.GuildMedia;
    const name = typeof body.name === "string" ? body.name : "";
    if (name.length < 1 || name.length > 100) {
      throw new DiscordHttpError(400, { code: 50035, message: "Invalid Form Body", errors: { name: { _errors: [{ code: "BASE_TYPE_BAD_LENGTH", message: "Must be between 1 and 100 in length." }] } } });
    }
    if (isForum && !isRecord(body.message)) {
      throw new DiscordHttpError(400, { code: 50035, message: "Invalid Form Body", errors: { message: { _errors: [{ code: "BASE_TYPE_REQUIRED", message: "This field is required" }] } } });
    }
    if (!isForum && parent.type !== ChannelType.GuildText && parent.type !== ChannelType.GuildAnnouncement) {
      throw new DiscordHttpError(400, { message: "Cannot execute action on this channel type", code: 50024 });
    }
    const appliedTags = Array.isArray(body.applied_tags) ? (body.applied_tags as unknown[]).map(String) : [];
    const unknownTag = appliedTags.find((tag) => !parent.availableTags.some((t) => t.id === tag));
    if (unknownTag !== undefined) {
      throw new DiscordHttpError(400, { code: 50035, message: "Invalid Form Body", errors: { applied_tags: { _errors: [{ code: "INVALID_TAG", message: `Tag ${unknownTag} does not exist` }] } } });
    }
    const id = this.nextId();
    const thread = this.store.addChannel({
      id,
      type: isForum ? ChannelType.PublicThread : body.type === ChannelType.PublicThread ? ChannelType.PublicThread : ChannelType.PrivateThread,
      ...(parent.guildId !== undefined ? { guildId: parent.guildId } : {}),
      name,
      parentId: parent.id,
    });
    const createdAt = new Date().toISOString();
    thread.thread = { ownerId: this.botUserId, createdAt, autoArchiveDuration: Number(body.auto_archive_duration ?? 4320), appliedTags, messageCount: 0 };
    if (!isForum) return this.store.apiChannel(thread);
    try {
      // A forum post's starter message shares the thread's id.
      const starter = this.store.createMessage({ channelId: id, origin: "thread-starter", write: { body: body.message as Record<string, unknown>, files }, id, errorPrefix: ["message"] });
      parent.lastMessageId = id;
      return { ...this.store.apiChannel(thread), member: { id, user_id: this.botUserId, join_timestamp: createdAt, flags: 1 }, message: starter.data };
    } catch (error) {
      this.store.channels.delete(id);
      throw error;
    }
  }

  private overwriteCommands(raw: unknown, previous: readonly APIApplicationCommand[], guildId: string | undefined): APIApplicationCommand[] {
    const invalid = (errors: Record<string, unknown>): DiscordHttpError => new DiscordHttpError(400, { code: 50035, message: "Invalid Form Body", errors: errors as never });
    if (!Array.isArray(raw)) throw invalid({ _errors: [{ code: "BASE_TYPE_ARRAY", message: "Must be an array." }] });
    if (raw.length > 100) throw invalid({ _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: "Must be 100 or fewer in length." }] });
    const seen = new Set<string>();
    return raw.map((item: unknown, index): APIApplicationCommand => {
      const command = isRecord(item) ? item : {};
      const type = typeof command.type === "number" ? command.type : 1;
      const name = typeof command.name === "string" ? command.name : "";
      const description = typeof command.description === "string" ? command.description : "";
      const fieldError = (field: string, code: string, message: string): DiscordHttpError => invalid({ [index]: { [field]: { _errors: [{ code, message }] } } });
      if (!/^[-_'\p{L}\p{N}]{1,32}$/u.test(name) || (type === 1 && name !== name.toLowerCase())) {
        throw fieldError("name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid");
      }
      if (type === 1 && (description.length < 1 || description.length > 100)) {
        throw fieldError("description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
      }
      if (Array.isArray(command.options) && command.options.length > 25) throw fieldError("options", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
      if (seen.has(`${type}:${name}`)) throw fieldError("name", "APPLICATION_COMMANDS_DUPLICATE_NAME", `Application command names must be unique`);
      seen.add(`${type}:${name}`);
      const kept = previous.find((p) => p.name === name && Number(p.type) === type);
      return {
        ...command,
        id: kept?.id ?? this.nextId(),
        application_id: this.applicationId,
        version: this.nextId(),
        type,
        name,
        description,
        default_member_permissions: typeof command.default_member_permissions === "string" ? command.default_member_permissions : null,
        nsfw: command.nsfw === true,
        ...(guildId !== undefined ? { guild_id: guildId } : { dm_permission: command.dm_permission !== false }),
        integration_types: Array.isArray(command.integration_types) ? (command.integration_types as ApplicationIntegrationType[]) : [0],
        contexts: Array.isArray(command.contexts) ? (command.contexts as InteractionContextType[]) : null,
      };
    });
  }

  // ---------------------------------------------------------------- interactions

  private interactionMetadata(handle: InteractionHandle): APIMessageInteractionMetadata {
    const payload = handle.payload;
    const user = payload.member?.user ?? payload.user!;
    return {
      id: handle.id,
      type: payload.type,
      user,
      authorizing_integration_owners: payload.authorizing_integration_owners,
      ...(payload.type === InteractionType.MessageComponent ? { interacted_message_id: payload.message.id } : {}),
    } as APIMessageInteractionMetadata;
  }

  private messageTypeFor(handle: InteractionHandle): MessageType {
    const payload = handle.payload;
    if (payload.type !== InteractionType.ApplicationCommand) return MessageType.Default;
    return payload.data.type === ApplicationCommandType.ChatInput ? MessageType.ChatInputCommand : MessageType.ContextMenuCommand;
  }

  private interactionCallback(ctx: RequestContext): RouteResult {
    const { params, body, files, query } = ctx;
    const handle = this.interactions.get(params.interactionId!);
    if (!handle || handle.token !== params.token) throw unknownInteraction();
    const deadline = this.options.interactionResponseDeadlineMs === undefined ? 3_000 : this.options.interactionResponseDeadlineMs;
    if (deadline !== null && ctx.call.receivedAt - handle.dispatchedAt > deadline) throw unknownInteraction();
    if (handle.acceptedCallback) throw new DiscordHttpError(400, { message: "Interaction has already been acknowledged.", code: 40060 });
    const type = Number(body.type) as InteractionResponseType;
    if (!(ALLOWED_CALLBACKS[handle.payload.type] ?? []).includes(type)) {
      throw new DiscordHttpError(400, { code: 50035, message: "Invalid Form Body", errors: { type: { _errors: [{ code: "INTERACTION_RESPONSE_TYPE_INVALID", message: `Interaction response type ${type} is not valid for interaction type ${handle.payload.type}` }] } } });
    }
    const data = isRecord(body.data) ? body.data : {};
    const channelId = handle.payload.channel?.id ?? "";
    const ephemeral = ((Number(data.flags) || 0) & MessageFlags.Ephemeral) !== 0;
    switch (type) {
      case InteractionResponseType.ChannelMessageWithSource:
        handle.original = this.store.createMessage({ channelId, origin: "interaction", write: { body: data, files }, ephemeral, type: this.messageTypeFor(handle), interactionMetadata: this.interactionMetadata(handle), errorPrefix: ["data"] });
        break;
      case InteractionResponseType.DeferredChannelMessageWithSource:
        handle.original = this.store.createMessage({ channelId, origin: "interaction", write: { body: {}, files: [] }, ephemeral, loading: true, type: this.messageTypeFor(handle), interactionMetadata: this.interactionMetadata(handle) });
        break;
      case InteractionResponseType.DeferredMessageUpdate:
      case InteractionResponseType.UpdateMessage: {
        const messageId = handle.payload.message?.id;
        const target = messageId === undefined ? undefined : this.store.messagesById.get(messageId);
        if (!target) throw unknownMessage();
        if (type === InteractionResponseType.UpdateMessage) this.store.editMessage(target, { body: data, files }, ["data"]);
        handle.original = target;
        break;
      }
      case InteractionResponseType.ApplicationCommandAutocompleteResult: {
        const error = validateAutocompleteData(body.data);
        if (error) throw new DiscordHttpError(400, error);
        break;
      }
      default:
        break;
    }
    handle.acceptedCallback = { type, data: body.data };
    if (query.with_response !== "true") return { status: 204 };
    const original = handle.original;
    return {
      status: 200,
      body: {
        interaction: {
          id: handle.id,
          type: handle.payload.type,
          activity_instance_id: null,
          response_message_id: original?.id ?? null,
          response_message_loading: type === InteractionResponseType.DeferredChannelMessageWithSource,
          response_message_ephemeral: original?.ephemeral ?? false,
        },
        resource: { type, ...(original && type !== InteractionResponseType.DeferredMessageUpdate ? { message: original.data } : {}) },
      },
    };
  }

  private handleForWebhook(params: Readonly<Record<string, string>>): InteractionHandle {
    const handle = this.interactionsByToken.get(params.token!);
    if (params.appId !== this.applicationId || !handle || !handle.acceptedCallback) throw unknownWebhook();
    return handle;
  }

  private webhookMessage(params: Readonly<Record<string, string>>): StoredMessage {
    const handle = this.handleForWebhook(params);
    const message = params.messageId === "@original" ? handle.original : [handle.original, ...handle.followUps].find((m) => m?.id === params.messageId);
    if (!message || message.deleted) throw unknownMessage();
    return message;
  }

  private followUp(ctx: RequestContext): RouteResult {
    const { params, body, files, query } = ctx;
    const handle = this.handleForWebhook(params);
    const original = handle.original;
    let message: StoredMessage;
    const deferredAndUnanswered =
      handle.acceptedCallback?.type === InteractionResponseType.DeferredChannelMessageWithSource && original !== undefined && ((original.data.flags ?? 0) & MessageFlags.Loading) !== 0;
    if (deferredAndUnanswered) {
      // Discord: the first follow-up after a deferred response replaces the "thinking…" message.
      message = this.store.editMessage(original, { body, files });
    } else {
      const ephemeral = ((Number(body.flags) || 0) & MessageFlags.Ephemeral) !== 0;
      message = this.store.createMessage({ channelId: handle.payload.channel?.id ?? "", origin: "interaction", write: { body, files }, ephemeral, type: this.messageTypeFor(handle), interactionMetadata: this.interactionMetadata(handle) });
      handle.followUps.push(message);
    }
    return query.wait === "true" ? { status: 200, body: message.data } : { status: 204 };
  }
}

/** Starts a fake Discord on 127.0.0.1 with the given users, guilds and channels. */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const fake = new FakeDiscord(options);
  await fake.listen();
  return fake;
}

/**
 * Client options a test adds so a real discord.js Client talks only to `fake`, fast:
 * REST at the fake; rate-limit waits without the 50 ms safety offset; short request timeout;
 * no 5 s identify throttle between a shard's re-identifies (the fake has no session limits).
 */
export function fakeClientOptions(fake: FakeDiscord): Pick<ClientOptions, "rest" | "ws"> {
  return {
    rest: { api: fake.restBase, offset: 0, retries: 3, timeout: 5_000 },
    ws: { buildIdentifyThrottler: () => ({ waitForIdentify: () => Promise.resolve() }) },
  };
}
