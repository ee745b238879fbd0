/**
 * Client for Numerai's public GraphQL API (facts: ../shared/numerai-api.md).
 *
 * Two layers: `createGraphQLTransport` sends one document with retries, timeouts, a concurrency
 * limit and zod validation of `data`; `createNumeraiClient` turns the few queries we need into
 * domain values (types.ts).
 *
 * Retry policy: network errors, timeouts, 5xx, 429 (honouring `Retry-After`), garbled 2xx bodies
 * (including a missing, null or incomplete answer where the API always answers something, see
 * schemas.ts) and GraphQL errors that report a service failure ("Internal server error", a
 * timeout) are retried with exponential backoff and full jitter; other 4xx and GraphQL errors are not.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Agent } from "undici";
import type { z } from "zod";
import { silentLogger } from "../logger.js";
import {
  NumeraiClosedError,
  NumeraiError,
  NumeraiGraphQLError,
  NumeraiHttpError,
  NumeraiNetworkError,
  NumeraiResponseError,
  NumeraiTimeoutError,
  UnknownAccountError,
  UnknownModelError,
} from "./errors.js";
import { ACCOUNT_MODELS, ALL_ROUND_NUMBERS, CURRENT_ROUND, LIST_ROUNDS, LOOKUP_MODEL, ROUND_MODEL_PERFORMANCES, SUBMISSION_SCORES } from "./queries.js";
import {
  accountModelsData,
  allRoundNumbersData,
  currentRoundData,
  listRoundsData,
  lookupModelData,
  roundPerformancesData,
  submissionScoresData,
  type FlatSubmissionScore,
  type V2RoundModelPerformance,
} from "./schemas.js";
import type { NumeraiClient, NumeraiClientOptions, RoundInfo, RoundPerformance, RoundRange, ScoreEntry } from "./types.js";

export type { LookupOptions, NumeraiClient, NumeraiClientOptions, RoundInfo, RoundPerformance, RoundRange, ScoreEntry } from "./types.js";

/** For a question someone is waiting on (`/models add` looking a name up): about 4 s of retrying at most. */
export const DEFAULT_MAX_ATTEMPTS = 5;
/**
 * For background ingestion (backfill, sync, a new model's history): at 20% of answers failing,
 * one request in ~400,000 exhausts eight attempts, where five gave one in ~3,000, which a backfill
 * of a few hundred requests hit about one run in ten. A request gives up after about a minute at worst.
 */
export const DEFAULT_INGESTION_MAX_ATTEMPTS = 8;
const DEFAULT_BASE_DELAY_MS = 500;
const DEFAULT_MAX_DELAY_MS = 30_000;

function packageVersion(): string {
  // src/numerai/ when run from source, dist/src/numerai/ when built: walk up to our package.json.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate)) {
      try {
        const pkg = JSON.parse(readFileSync(candidate, "utf8")) as { name?: unknown; version?: unknown };
        if (pkg.name === "modelfolio" && typeof pkg.version === "string") return pkg.version;
      } catch {
        // not ours or unreadable: keep walking
      }
    }
    dir = dirname(dir);
  }
  return "0.0.0";
}

export const DEFAULT_USER_AGENT = `modelfolio/${packageVersion()} (+https://github.com/modelfolio)`;

// ───────────────────────────── transport ─────────────────────────────

export interface GraphQLRequest<T> {
  /** Root field or other short name, for logs and error messages. */
  operation: string;
  query: string;
  variables: Record<string, unknown> | null;
  /** Schema of the response's `data`. */
  data: z.ZodType<T>;
  /** Send `Authorization: Token <public>$<secret>`; only for queries that need a token. */
  authenticated?: boolean;
  /** Overrides the transport's attempt budget for this request. */
  maxAttempts?: number;
}

export interface GraphQLTransport {
  execute<T>(req: GraphQLRequest<T>): Promise<T>;
  close(): Promise<void>;
}

/** A counting semaphore; a released slot passes straight to the next waiter. */
class Semaphore {
  private active = 0;
  private readonly waiters: Array<() => void> = [];
  constructor(private readonly limit: number) {}

  async acquire(): Promise<() => void> {
    if (this.active < this.limit) this.active++;
    else await new Promise<void>((resolve) => this.waiters.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.active--;
    };
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new NumeraiClosedError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new NumeraiClosedError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** `Retry-After` as delta-seconds or an HTTP date → milliseconds from now. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, key) => (typeof key === "number" ? `${out}[${key}]` : `${out}.${String(key)}`), "data");
}

function errorMessages(errors: unknown[]): string[] {
  return errors.map((e) => {
    const message = typeof e === "object" && e !== null ? (e as { message?: unknown }).message : undefined;
    return typeof message === "string" ? message : JSON.stringify(e);
  });
}

/** undici/Node error codes that mean the attempt never got a complete answer. */
const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT", "ETIMEDOUT"]);

export function createGraphQLTransport(opts: NumeraiClientOptions): GraphQLTransport {
  const maxAttempts = Math.max(1, opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  const baseDelayMs = Math.max(0, opts.baseDelayMs ?? DEFAULT_BASE_DELAY_MS);
  const maxDelayMs = Math.max(0, opts.maxDelayMs ?? DEFAULT_MAX_DELAY_MS);
  const log = (opts.logger ?? silentLogger).child({ module: "numerai" });
  const userAgent = opts.userAgent ?? DEFAULT_USER_AGENT;
  const semaphore = new Semaphore(Math.max(1, opts.concurrency));
  // undici is loaded with the first request, not with the client: most CLI commands (import,
  // export, analyze, status) never ask Numerai anything, and undici is ~9 MB of RSS once loaded.
  let http: Promise<{ agent: Agent; request: typeof import("undici").request }> | undefined;
  const loadHttp = () =>
    (http ??= import("undici").then(({ Agent, request }) => ({
      agent: new Agent({ connections: Math.max(1, opts.concurrency), headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs }),
      request,
    })));
  const closing = new AbortController();

  async function attemptOnce<T>(req: GraphQLRequest<T>): Promise<T> {
    const { agent, request } = await loadHttp();
    const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json", "user-agent": userAgent };
    if (req.authenticated) headers.authorization = `Token ${opts.publicId ?? ""}$${opts.secretKey ?? ""}`;
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const signal = AbortSignal.any([timeout, closing.signal]);
    let status: number;
    let retryAfter: string | string[] | undefined;
    let text: string;
    try {
      const res = await request(opts.url, {
        method: "POST",
        dispatcher: agent,
        headers,
        body: JSON.stringify({ query: req.query, variables: req.variables }),
        signal,
        headersTimeout: opts.timeoutMs,
        bodyTimeout: opts.timeoutMs,
      });
      status = res.statusCode;
      retryAfter = res.headers["retry-after"];
      text = await res.body.text();
    } catch (e) {
      if (closing.signal.aborted) throw new NumeraiClosedError();
      const code = typeof e === "object" && e !== null ? (e as { code?: unknown }).code : undefined;
      if (timeout.aborted || (typeof code === "string" && TIMEOUT_CODES.has(code))) throw new NumeraiTimeoutError(req.operation, opts.timeoutMs, { cause: e });
      if (typeof code === "string" && code === "UND_ERR_INVALID_ARG") throw e;
      throw new NumeraiNetworkError(req.operation, typeof code === "string" ? code : undefined, { cause: e });
    }

    let json: unknown;
    let parseError: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      parseError = e;
    }
    const body = typeof json === "object" && json !== null && !Array.isArray(json) ? (json as { data?: unknown; errors?: unknown; detail?: unknown }) : undefined;
    const messages = body && Array.isArray(body.errors) ? errorMessages(body.errors) : [];

    if (status < 200 || status > 299) {
      throw new NumeraiHttpError(status, req.operation, { retryAfterMs: parseRetryAfter(retryAfter), messages });
    }
    if (!body) {
      const problem = parseError === undefined ? "body is not a JSON object" : `body is not JSON (${text.length} bytes)`;
      throw new NumeraiResponseError(req.operation, "", problem, { cause: parseError });
    }
    if (messages.length > 0) throw new NumeraiGraphQLError(messages, req.operation);
    // numerapi also accepts a REST-style `{"detail": "..."}` error.
    if (body.data === undefined && typeof body.detail === "string") throw new NumeraiGraphQLError([body.detail], req.operation);
    const parsed = req.data.safeParse(body.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new NumeraiResponseError(req.operation, formatPath(issue?.path ?? []), issue?.message ?? "unexpected shape");
    }
    return parsed.data;
  }

  function retryDelay(error: NumeraiError, attempt: number): number {
    if (error instanceof NumeraiHttpError && error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, maxDelayMs);
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return Math.round(Math.random() * ceiling);
  }

  return {
    async execute<T>(req: GraphQLRequest<T>): Promise<T> {
      if (req.authenticated && (!opts.publicId || !opts.secretKey)) {
        throw new NumeraiError("API keys required for this action.", { retryable: false });
      }
      const attempts = Math.max(1, req.maxAttempts ?? maxAttempts);
      for (let attempt = 1; ; attempt++) {
        const release = await semaphore.acquire();
        let error: unknown;
        try {
          if (closing.signal.aborted) throw new NumeraiClosedError();
          return await attemptOnce(req);
        } catch (e) {
          error = e;
        } finally {
          release();
        }
        if (!(error instanceof NumeraiError) || !error.retryable || attempt >= attempts) throw error;
        const delayMs = retryDelay(error, attempt);
        log.warn(
          {
            operation: req.operation,
            attempt,
            maxAttempts: attempts,
            status: error instanceof NumeraiHttpError ? error.status : undefined,
            error: error.name,
            reason: error.message,
            delayMs,
          },
          "Numerai request failed; retrying",
        );
        await sleep(delayMs, closing.signal);
      }
    },
    async close() {
      if (closing.signal.aborted) return;
      closing.abort();
      if (http) await (await http).agent.destroy();
    },
  };
}

// ───────────────────────────── client ─────────────────────────────

/** Errors in which the server says a root field no longer exists (Absinthe: `Cannot query field "x" on type "RootQueryType".`). */
export function isFieldRemovedError(error: unknown, field: string): boolean {
  const messages = error instanceof NumeraiGraphQLError ? error.messages : error instanceof NumeraiHttpError && error.status === 400 ? error.messages : [];
  return messages.some(
    (m) => m.includes(`Cannot query field "${field}"`) || (m.includes(field) && /\b(removed|deprecated|no longer (available|supported))\b/i.test(m)),
  );
}

/**
 * GraphQL errors in which the server says the model asked for does not exist. Only these mean
 * "no such model"; any other error (an internal error, a timeout, a problem with our query) is
 * passed on as it is, so a failing service is never reported as a missing model.
 */
function isNotFoundError(error: NumeraiGraphQLError): boolean {
  return error.messages.some((m) => /\bnot found\b|\bno such (model|user)\b|\bdoes not exist\b|\bunknown (model|user)\b/i.test(m));
}

/** Several entries with the same name (several days or versions): keep the one with the largest day. */
function latestPerName(entries: ScoreEntry[]): ScoreEntry[] {
  const byName = new Map<string, ScoreEntry>();
  for (const entry of entries) {
    const seen = byName.get(entry.name);
    const later =
      !seen ||
      (entry.day ?? -Infinity) > (seen.day ?? -Infinity) ||
      (entry.day === seen.day && (entry.date?.getTime() ?? -Infinity) > (seen.date?.getTime() ?? -Infinity));
    if (later) byName.set(entry.name, entry);
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function fromV2(p: V2RoundModelPerformance): RoundPerformance {
  // The schema refuses a null list (a fault, retried); an empty one is a round not scored yet.
  const entries = p.submissionScores;
  return {
    roundNumber: p.roundNumber,
    openTime: p.roundOpenTime,
    resolveTime: p.roundResolveTime,
    resolved: p.roundResolved ?? false,
    atRisk: p.atRisk,
    corrMultiplier: p.corrMultiplier,
    mmcMultiplier: p.mmcMultiplier,
    payoutFactor: p.roundPayoutFactor,
    payoutPending: entries.find((e) => e.payoutPending !== null)?.payoutPending ?? null,
    payoutSettled: entries.find((e) => e.payoutSettled !== null)?.payoutSettled ?? null,
    target: p.roundTarget,
    scores: latestPerName(entries.map((e) => ({ name: e.displayName, value: e.value, percentile: e.percentile, day: e.day, date: e.date, resolved: null }))),
  };
}

/** The flat endpoint has no round facts (stake, multipliers, payouts, open time): those become null. */
function fromFlat(rows: FlatSubmissionScore[]): RoundPerformance[] {
  const byRound = new Map<number, FlatSubmissionScore[]>();
  for (const row of rows) byRound.set(row.roundNumber, [...(byRound.get(row.roundNumber) ?? []), row]);
  return [...byRound].map(([roundNumber, group]) => {
    const scores = latestPerName(group.map((r) => ({ name: r.displayName, value: r.value, percentile: r.percentile, day: r.day, date: r.date, resolved: r.resolved })));
    return {
      roundNumber,
      openTime: null,
      resolveTime: group.find((r) => r.roundResolveTime !== null)?.roundResolveTime ?? null,
      // 60-day scores resolve weeks after the round; the round counts as resolved once any score has.
      resolved: scores.some((s) => s.resolved === true),
      atRisk: null,
      corrMultiplier: null,
      mmcMultiplier: null,
      payoutFactor: null,
      payoutPending: null,
      payoutSettled: null,
      target: null,
      scores,
    };
  });
}

/** Defensive: without a confirmed one-row-per-round guarantee, merge rows of the same round. */
function mergeByRound(perfs: RoundPerformance[]): RoundPerformance[] {
  const byRound = new Map<number, RoundPerformance>();
  for (const p of perfs) {
    const seen = byRound.get(p.roundNumber);
    if (!seen) {
      byRound.set(p.roundNumber, p);
      continue;
    }
    byRound.set(p.roundNumber, {
      roundNumber: p.roundNumber,
      openTime: seen.openTime ?? p.openTime,
      resolveTime: seen.resolveTime ?? p.resolveTime,
      resolved: seen.resolved || p.resolved,
      atRisk: seen.atRisk ?? p.atRisk,
      corrMultiplier: seen.corrMultiplier ?? p.corrMultiplier,
      mmcMultiplier: seen.mmcMultiplier ?? p.mmcMultiplier,
      payoutFactor: seen.payoutFactor ?? p.payoutFactor,
      payoutPending: seen.payoutPending ?? p.payoutPending,
      payoutSettled: seen.payoutSettled ?? p.payoutSettled,
      target: seen.target ?? p.target,
      scores: latestPerName([...seen.scores, ...p.scores]),
    });
  }
  return [...byRound.values()];
}

/** Answers asked for one call before disagreeing answers become an error. */
const MAX_HOLE_ASKS = 5;

/**
 * Whether a round number between the first and last asked for (or answered, where the range is
 * open) is missing. Daily rounds are numbered consecutively, so any gap is a round not answered.
 */
function hasHole(perfs: ReadonlyMap<number, RoundPerformance>, range: RoundRange): boolean {
  if (perfs.size === 0) return range.fromRound !== undefined && range.toRound !== undefined && range.toRound >= range.fromRound;
  const numbers = [...perfs.keys()];
  const low = range.fromRound ?? Math.min(...numbers);
  const high = range.toRound ?? Math.max(...numbers);
  return perfs.size < high - low + 1;
}

function checkRange(range: RoundRange): void {
  for (const [key, value] of Object.entries(range)) {
    if (value !== undefined && (!Number.isInteger(value) || (value as number) < 0)) {
      throw new RangeError(`roundPerformances: ${key} must be a non-negative integer; got ${String(value)}`);
    }
  }
}

export function createNumeraiClient(opts: NumeraiClientOptions): NumeraiClient {
  const transport = createGraphQLTransport(opts);
  const log = (opts.logger ?? silentLogger).child({ module: "numerai" });
  const tournament = opts.tournament;
  // An explicit budget applies to every request; by default background ingestion gets the larger one.
  const ingestionAttempts = opts.maxAttempts ?? DEFAULT_INGESTION_MAX_ATTEMPTS;
  // Set once the server says v2RoundModelPerformances is gone; later calls go straight to the flat query.
  let v2Removed = false;

  async function roundPerformancesV2(modelId: string, range: RoundRange): Promise<RoundPerformance[]> {
    const data = await transport.execute({
      operation: "v2RoundModelPerformances",
      query: ROUND_MODEL_PERFORMANCES,
      variables: {
        modelId,
        tournament,
        roundNumberGte: range.fromRound ?? null,
        roundNumberLte: range.toRound ?? null,
        lastNRounds: range.lastNRounds ?? null,
        distinctOnRound: true,
      },
      data: roundPerformancesData,
      maxAttempts: ingestionAttempts,
    });
    return data.v2RoundModelPerformances.map(fromV2);
  }

  async function roundPerformancesFlat(modelId: string, range: RoundRange): Promise<RoundPerformance[]> {
    // The flat endpoint has no round-number filters; fromRound/toRound are applied by the caller.
    const data = await transport.execute({
      operation: "submissionScores",
      query: SUBMISSION_SCORES,
      variables: {
        modelId,
        displayName: null,
        version: null,
        day: null,
        resolved: null,
        tournament,
        lastNRounds: range.lastNRounds ?? null,
        distinctOnRound: null,
      },
      data: submissionScoresData,
      maxAttempts: ingestionAttempts,
    });
    return fromFlat(data.submissionScores);
  }

  async function askRoundPerformances(modelId: string, range: RoundRange): Promise<RoundPerformance[]> {
    let perfs: RoundPerformance[] | undefined;
    if (!v2Removed) {
      try {
        perfs = await roundPerformancesV2(modelId, range);
      } catch (e) {
        if (!isFieldRemovedError(e, "v2RoundModelPerformances")) throw e;
        v2Removed = true;
        log.warn({ operation: "v2RoundModelPerformances" }, "v2RoundModelPerformances is gone; using submissionScores from now on");
      }
    }
    perfs ??= await roundPerformancesFlat(modelId, range);
    return mergeByRound(perfs).filter(
      (p) => (range.fromRound === undefined || p.roundNumber >= range.fromRound) && (range.toRound === undefined || p.roundNumber <= range.toRound),
    );
  }

  return {
    async lookupModel(name, options = {}) {
      const requested = name.trim();
      const modelName = requested.toLowerCase();
      if (modelName === "") throw new UnknownModelError(name);
      let data: z.infer<typeof lookupModelData>;
      try {
        data = await transport.execute({
          operation: "v3UserProfile",
          query: LOOKUP_MODEL,
          variables: { modelName },
          data: lookupModelData,
          ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
        });
      } catch (e) {
        // The server's answer for an unknown name is unconfirmed: a null profile or an `errors` entry
        // saying so. Other errors (after the transport's retries) are not about the name.
        if (e instanceof NumeraiGraphQLError && isNotFoundError(e)) throw new UnknownModelError(requested, { cause: e });
        throw e;
      }
      const profile = data.v3UserProfile;
      if (!profile) throw new UnknownModelError(requested);
      return { id: profile.id, name: profile.username ?? modelName };
    },

    async accountModels(username) {
      const requested = username.trim();
      if (requested === "") throw new UnknownAccountError(username);
      let data: z.infer<typeof accountModelsData>;
      try {
        data = await transport.execute({ operation: "accountProfile", query: ACCOUNT_MODELS, variables: { username: requested, tournament }, data: accountModelsData });
      } catch (e) {
        // As with v3UserProfile, an unknown account may be a null profile or an `errors` entry.
        if (e instanceof NumeraiGraphQLError && isNotFoundError(e)) throw new UnknownAccountError(requested, { cause: e });
        throw e;
      }
      if (!data.accountProfile) throw new UnknownAccountError(requested);
      return { account: requested, models: data.accountProfile.models.map((m) => ({ id: m.id, name: m.displayName.toLowerCase() })) };
    },

    async roundPerformances(modelId, range = {}) {
      checkRange(range);
      // A round left out of an answer looks exactly like a round the model did not enter, and an
      // answer with a hole is stored as is (nothing is ever deleted), so a round lost this way
      // would stay lost. Round numbers are consecutive: an answer with a hole is asked again and
      // the answers merged, until one adds no round (the hole is real) or none is left.
      const merged = new Map<number, RoundPerformance>();
      for (let ask = 1; ; ask++) {
        let added = 0;
        for (const p of await askRoundPerformances(modelId, range)) {
          if (!merged.has(p.roundNumber)) added++;
          merged.set(p.roundNumber, p);
        }
        if (!hasHole(merged, range) || (ask > 1 && added === 0)) break;
        if (ask >= MAX_HOLE_ASKS) {
          throw new NumeraiResponseError("v2RoundModelPerformances", "", `${MAX_HOLE_ASKS} answers for model ${modelId} disagree on which rounds it has`);
        }
        log.debug({ operation: "roundPerformances", modelId, ask }, "answer has a hole in its round numbers; asking again to confirm it");
      }
      return [...merged.values()].sort((a, b) => a.roundNumber - b.roundNumber);
    },

    async currentRound() {
      try {
        const data = await transport.execute({ operation: "rounds", query: CURRENT_ROUND, variables: { tournament }, data: currentRoundData, maxAttempts: ingestionAttempts });
        return data.rounds[0]!.number;
      } catch (e) {
        // Between rounds the alias `number: 0` fails; the largest round number is still the latest round.
        if (!(e instanceof NumeraiGraphQLError && e.messages.some((m) => /not open for submissions/i.test(m)))) throw e;
        const data = await transport.execute({ operation: "rounds", query: ALL_ROUND_NUMBERS, variables: { tournament }, data: allRoundNumbersData, maxAttempts: ingestionAttempts });
        return Math.max(...data.rounds.map((r) => r.number));
      }
    },

    async listRounds(options = {}) {
      const data = await transport.execute({
        operation: "rounds",
        query: LIST_ROUNDS,
        variables: { tournament, number: null, target: null, status: options.status ?? null, limit: options.limit ?? null },
        data: listRoundsData,
      });
      return data.rounds
        .map(
          (r): RoundInfo => ({
            number: r.number,
            openTime: r.openTime,
            closeStakingTime: r.closeStakingTime,
            resolveTime: r.resolveTime,
            resolved: r.resolvedGeneral ?? r.resolvedStaking ?? false,
            payoutFactor: r.payoutFactor,
            defaultCorrMultiplier: r.defaultCorrMultiplier,
            defaultMmcMultiplier: r.defaultMmcMultiplier,
          }),
        )
        .sort((a, b) => a.number - b.number);
    },

    close: () => transport.close(),
  };
}
