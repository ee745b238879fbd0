import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import { shardForGuild } from "./snowflake.js";

/** Gateway opcodes and close codes: https://discord.com/developers/docs/topics/opcodes-and-status-codes */
const Op = { Dispatch: 0, Heartbeat: 1, Identify: 2, PresenceUpdate: 3, VoiceStateUpdate: 4, Resume: 6, Reconnect: 7, RequestGuildMembers: 8, InvalidSession: 9, Hello: 10, HeartbeatAck: 11 } as const;
const Close = { UnknownOpcode: 4001, DecodeError: 4002, NotAuthenticated: 4003, AuthenticationFailed: 4004, AlreadyAuthenticated: 4005, InvalidShard: 4010, InvalidApiVersion: 4012 } as const;
const REPLAY_BUFFER_LIMIT = 1_000;

export type ShardTuple = readonly [shardId: number, shardCount: number];

interface Session {
  readonly id: string;
  readonly shard: ShardTuple;
  readonly createdAt: number;
  seq: number;
  readonly buffer: { readonly s: number; readonly text: string }[];
  socket: WebSocket | null;
  /** False once the session can no longer be resumed (client closed with 1000/1001, or a test said so). */
  resumable: boolean;
}

interface Connection {
  readonly socket: WebSocket;
  readonly record: GatewayConnectionRecord;
  session: Session | null;
  closingByServer: boolean;
}

export interface GatewayConnectionRecord {
  readonly path: string;
  /** `v`, `encoding`, `compress` as the client asked. */
  readonly query: Readonly<Record<string, string>>;
  readonly openedAt: number;
  /** Opcodes the client sent, in order. */
  readonly opsReceived: number[];
  closeCode: number | undefined;
}

export interface GatewaySessionInfo {
  readonly sessionId: string;
  readonly shard: ShardTuple;
  readonly connected: boolean;
  readonly resumable: boolean;
  readonly seq: number;
}

export interface DropOptions {
  /** Only this shard's connection; default all. */
  readonly shardId?: number;
  /** Close code sent to the client. Default 4000 (Unknown error — Discord's "reconnect and resume"). */
  readonly code?: number;
  /** Kill the TCP socket without a close frame (the client sees 1006). */
  readonly terminate?: boolean;
  /** When false, a later RESUME gets INVALID_SESSION (d: false) and the client must identify again. Default true. */
  readonly resumable?: boolean;
}

export interface GatewayDeps {
  readonly token: string;
  readonly heartbeatIntervalMs: number;
  readonly resumeUrl: () => string;
  /** READY's `d` minus session-specific fields. */
  readonly readyBase: () => Record<string, unknown>;
  readonly guildIds: () => readonly string[];
  readonly guildCreate: (guildId: string) => Record<string, unknown>;
}

/** The gateway half of the fake: HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME, sharding. */
export class FakeGateway {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions: Session[] = [];
  private readonly live = new Set<Connection>();
  /** Every IDENTIFY payload's `d`, in order. */
  readonly identifies: Record<string, unknown>[] = [];
  /** Every RESUME attempt and whether the fake accepted it. */
  readonly resumes: { readonly sessionId: string; readonly seq: number; readonly accepted: boolean }[] = [];
  readonly connections: GatewayConnectionRecord[] = [];

  constructor(private readonly deps: GatewayDeps) {}

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(request, socket, head, (ws) => this.onConnection(ws, request));
  }

  private onConnection(socket: WebSocket, request: IncomingMessage): void {
    const url = new URL(request.url ?? "/", "http://fake");
    const record: GatewayConnectionRecord = { path: url.pathname, query: Object.fromEntries(url.searchParams), openedAt: performance.now(), opsReceived: [], closeCode: undefined };
    this.connections.push(record);
    const connection: Connection = { socket, record, session: null, closingByServer: false };
    this.live.add(connection);
    socket.on("error", () => undefined);
    socket.on("close", (code) => this.onClose(connection, code));
    socket.on("message", (data, isBinary) => this.onMessage(connection, data, isBinary));
    if (record.query.v !== "10") {
      this.closeFromServer(connection, Close.InvalidApiVersion);
      return;
    }
    if ((record.query.encoding ?? "json") !== "json") {
      this.closeFromServer(connection, Close.DecodeError);
      return;
    }
    this.send(socket, { op: Op.Hello, d: { heartbeat_interval: this.deps.heartbeatIntervalMs, _trace: ['["fake-gateway",{"micros":0}]'] }, s: null, t: null });
  }

  private send(socket: WebSocket, payload: unknown): void {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(payload));
  }

  private closeFromServer(connection: Connection, code: number): void {
    connection.closingByServer = true;
    connection.socket.close(code);
  }

  private onClose(connection: Connection, code: number): void {
    this.live.delete(connection);
    connection.record.closeCode = code;
    const session = connection.session;
    if (!session || session.socket !== connection.socket) return;
    session.socket = null;
    // Discord ends a session when the client closes normally (1000/1001); other closes may resume.
    if (!connection.closingByServer && (code === 1000 || code === 1001)) session.resumable = false;
  }

  private onMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      if (isBinary) throw new Error("binary frames need ETF or compression, which the fake does not speak");
      const text = Array.isArray(data) ? Buffer.concat(data).toString("utf8") : Buffer.from(data as ArrayBuffer).toString("utf8");
      payload = JSON.parse(text) as { op?: unknown; d?: unknown };
    } catch {
      this.closeFromServer(connection, Close.DecodeError);
      return;
    }
    const op = Number(payload.op);
    connection.record.opsReceived.push(op);
    const d = (typeof payload.d === "object" && payload.d !== null ? payload.d : {}) as Record<string, unknown>;
    switch (op) {
      case Op.Heartbeat:
        this.send(connection.socket, { op: Op.HeartbeatAck, d: null, s: null, t: null });
        return;
      case Op.Identify:
        this.identify(connection, d);
        return;
      case Op.Resume:
        this.resume(connection, d);
        return;
      case Op.PresenceUpdate:
      case Op.VoiceStateUpdate:
      case Op.RequestGuildMembers:
        if (!connection.session) this.closeFromServer(connection, Close.NotAuthenticated);
        return;
      default:
        this.closeFromServer(connection, Close.UnknownOpcode);
    }
  }

  private identify(connection: Connection, d: Record<string, unknown>): void {
    if (connection.session) {
      this.closeFromServer(connection, Close.AlreadyAuthenticated);
      return;
    }
    this.identifies.push(d);
    if (d.token !== this.deps.token) {
      this.closeFromServer(connection, Close.AuthenticationFailed);
      return;
    }
    const shardField = Array.isArray(d.shard) ? (d.shard as unknown[]) : [0, 1];
    const shard: ShardTuple = [Number(shardField[0]), Number(shardField[1])];
    if (!Number.isInteger(shard[0]) || !Number.isInteger(shard[1]) || shard[1] < 1 || shard[0] < 0 || shard[0] >= shard[1]) {
      this.closeFromServer(connection, Close.InvalidShard);
      return;
    }
    const session: Session = { id: randomBytes(16).toString("hex"), shard, createdAt: performance.now(), seq: 0, buffer: [], socket: connection.socket, resumable: true };
    this.sessions.push(session);
    connection.session = session;
    const guildIds = this.deps.guildIds().filter((id) => shardForGuild(id, shard[1]) === shard[0]);
    this.dispatch(session, "READY", {
      ...this.deps.readyBase(),
      v: 10,
      session_id: session.id,
      session_type: "normal",
      resume_gateway_url: this.deps.resumeUrl(),
      shard: [...shard],
      guilds: guildIds.map((id) => ({ id, unavailable: true })),
    });
    for (const id of guildIds) this.dispatch(session, "GUILD_CREATE", this.deps.guildCreate(id));
  }

  private resume(connection: Connection, d: Record<string, unknown>): void {
    const sessionId = String(d.session_id);
    const seq = Number(d.seq);
    if (d.token !== this.deps.token) {
      this.closeFromServer(connection, Close.AuthenticationFailed);
      return;
    }
    const session = this.sessions.find((s) => s.id === sessionId);
    const accepted = session !== undefined && session.resumable;
    this.resumes.push({ sessionId, seq, accepted });
    if (!accepted) {
      this.send(connection.socket, { op: Op.InvalidSession, d: false, s: null, t: null });
      return;
    }
    if (session.socket && session.socket !== connection.socket) session.socket.terminate();
    session.socket = connection.socket;
    connection.session = session;
    for (const event of session.buffer) if (event.s > seq) connection.socket.send(event.text);
    this.dispatch(session, "RESUMED", { _trace: ['["fake-gateway",{"micros":0}]'] });
  }

  /** Sends a dispatch (op 0) on a session; kept for replay if the session is resumed later. */
  dispatch(session: { readonly id: string }, event: string, data: unknown): number {
    const target = this.sessions.find((s) => s.id === session.id);
    if (!target) throw new Error(`fake-discord: unknown gateway session ${session.id}`);
    target.seq += 1;
    const text = JSON.stringify({ op: Op.Dispatch, t: event, s: target.seq, d: data });
    target.buffer.push({ s: target.seq, text });
    if (target.buffer.length > REPLAY_BUFFER_LIMIT) target.buffer.shift();
    if (target.socket?.readyState === WebSocket.OPEN) target.socket.send(text);
    return target.seq;
  }

  /** The newest session still able to receive events for this shard (connected or resumable). */
  sessionForShard(shardId: number, shardCount?: number): GatewaySessionInfo | undefined {
    const found = [...this.sessions]
      .reverse()
      .find((s) => s.resumable && s.shard[0] === shardId && (shardCount === undefined || s.shard[1] === shardCount));
    return found ? this.info(found) : undefined;
  }

  /** The newest session whose shard owns `guildId` (DMs: shard 0). */
  sessionForGuild(guildId: string | undefined): GatewaySessionInfo | undefined {
    const found = [...this.sessions]
      .reverse()
      .find((s) => s.resumable && (guildId === undefined ? s.shard[0] === 0 : shardForGuild(guildId, s.shard[1]) === s.shard[0]));
    return found ? this.info(found) : undefined;
  }

  get sessionList(): GatewaySessionInfo[] {
    return this.sessions.map((s) => this.info(s));
  }

  private info(session: Session): GatewaySessionInfo {
    return { sessionId: session.id, shard: session.shard, connected: session.socket?.readyState === WebSocket.OPEN, resumable: session.resumable, seq: session.seq };
  }

  /** Cuts live connections; returns how many were cut. */
  drop(options: DropOptions = {}): number {
    let dropped = 0;
    for (const connection of [...this.live]) {
      const session = connection.session;
      if (options.shardId !== undefined && session?.shard[0] !== options.shardId) continue;
      if (session && options.resumable === false) session.resumable = false;
      connection.closingByServer = true;
      if (options.terminate) connection.socket.terminate();
      else connection.socket.close(options.code ?? 4000, "fake-discord dropped the connection");
      dropped += 1;
    }
    return dropped;
  }

  /** Asks clients to reconnect and resume (op 7 RECONNECT). */
  requestReconnect(shardId?: number): void {
    for (const connection of this.live) {
      if (shardId === undefined || connection.session?.shard[0] === shardId) this.send(connection.socket, { op: Op.Reconnect, d: null, s: null, t: null });
    }
  }

  close(): void {
    for (const connection of this.live) connection.socket.terminate();
    this.live.clear();
    this.wss.close();
  }
}
