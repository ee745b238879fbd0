/**
 * A stand-in for Numerai's public GraphQL API (https://api-tournament.numer.ai): a real node:http
 * server on 127.0.0.1 that speaks the wire format described in ../shared/numerai-api.md.
 *
 * What it reproduces:
 * - POST `/` or `/graphql` with `{"query", "variables"}`; `variables` may be null or missing, and
 *   arguments may be inline literals (vladthestaker) or variables (numerapi). Argument names are
 *   matched the way the real server evidently does: `modelName` = `model_name`, `roundNumberGte` =
 *   `roundNumber__gte`. Variable types are not checked (numerapi declares `String!` for an `ID!`).
 * - Only the fields the query selects are returned; unknown fields and arguments get Absinthe's
 *   validation errors (HTTP 200, `errors` only, no `data`).
 * - Encoding of an Absinthe/Jason server: compact, object keys sorted (Erlang maps), floats written
 *   like Erlang's shortest form (`4.036320203754083e-4`, `2.0`, `7.2e4`), NMR amounts as strings with
 *   18 decimals, times like `2026-03-06T20:00:00Z`.
 * - Roots: v3UserProfile, accountProfile (an account's models, by `FakeModel.account`),
 *   v2RoundModelPerformances (unless `v2Removed`), submissionScores (the flat numerapi 2.23
 *   endpoint), rounds (`number: 0` = current round).
 * Unconfirmed behaviour is chosen and stated where it is implemented (unknown model, result order,
 * `lastNRounds`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import {
  fakeUuid,
  formatTime,
  hashString,
  mulberry32,
  multipliersFor,
  nowForCurrentRound,
  roundCloseStakingTime,
  roundOpenTime,
  roundResolveTime,
  scoreDate,
} from "./synthetic-scores.js";

// ───────────────────────────── public types ─────────────────────────────

export interface FakeScore {
  displayName: string;
  value: number | null;
  percentile: number | null;
  day: number;
  /** `Time` text, e.g. `2026-03-06T00:00:00Z`. */
  date: string;
  /** NMR, 18-decimal string. */
  payoutPending: string;
  payoutSettled: string;
}

export interface FakeRound {
  roundNumber: number;
  openTime: string;
  resolveTime: string;
  resolved: boolean;
  atRisk: string | null;
  corrMultiplier: number | null;
  mmcMultiplier: number | null;
  payoutFactor: string | null;
  target: string | null;
  scores: FakeScore[];
}

export interface FakeModel {
  name: string;
  id: string;
  /** The Numerai account that owns the model (what `accountProfile(username:)` lists). */
  account?: string;
  rounds: FakeRound[];
}

/**
 * Transport faults (500, 429, 400, timeout, truncated, malformed, reset), and answers that are
 * well-formed JSON but wrong, each in Numerai's wire format:
 * - "null-fields": required fields (`id`, `roundNumber`, `number`, …) come back null;
 * - "graphql-internal": HTTP 200 with `{"data": {"<root>": null}, "errors": [{"message": "Internal server error", …}]}`,
 *   how Absinthe reports a resolver that failed;
 * - "null-scores": one round of a v2RoundModelPerformances answer has `"submissionScores": null`;
 * - "null-payouts": one round's score entries have `"payoutPending": null, "payoutSettled": null`;
 * - "missing-round": one round is left out of a v2RoundModelPerformances answer;
 * - "empty-scores": one round that has scores is answered with `"submissionScores": []`.
 * The four round faults apply to v2RoundModelPerformances answers only; other answers are sent intact.
 */
export const FAULT_KINDS = [
  "500",
  "429",
  "400",
  "timeout",
  "truncated",
  "malformed",
  "null-fields",
  "reset",
  "graphql-internal",
  "null-scores",
  "null-payouts",
  "missing-round",
  "empty-scores",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
/** Every fault a retry gets past: all but "400", which Numerai means as final. */
export const TRANSIENT_FAULT_KINDS: FaultKind[] = FAULT_KINDS.filter((k) => k !== "400");

export interface FaultPlan {
  /** Share of requests (0…1) that get a fault, decided by a seeded PRNG per request. */
  rate: number;
  kinds: FaultKind[];
  seed?: number;
  /** Sent as `Retry-After` on 429 answers when given. */
  retryAfterSeconds?: number;
  /** Outcomes for the first requests, in order, before `rate` applies ("ok" = no fault). */
  sequence?: Array<FaultKind | "ok">;
  /** How long a "timeout" fault holds the answer (default 2000 ms); set it above the client's timeout. */
  holdMs?: number;
}

export interface FakeNumeraiOptions {
  models: FakeModel[];
  currentRound: number;
  /** How an unknown model name or account is answered: `{"v3UserProfile": null}` or an `errors` entry. */
  unknownModelStyle?: "null" | "error";
  /** Answer v2RoundModelPerformances with "Cannot query field" (numerapi 2.23 deprecated it). */
  v2Removed?: boolean;
  /** `rounds(number: 0)` answers "Current round not open for submissions" (as between rounds). */
  roundClosed?: boolean;
  faults?: FaultPlan;
  /** Delay before every answer, to observe concurrency. */
  slowMs?: number;
  /** Key order of JSON objects: sorted like the real server (default) or the query's field order. */
  keyOrder?: "alphabetical" | "query";
  /** Order of v2RoundModelPerformances results; the real order is unconfirmed. Default "desc". */
  roundOrder?: "asc" | "desc";
  /** The server's clock for round status; default: late on the day `currentRound` opened. */
  now?: Date;
}

export interface RecordedRequest {
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  /** The first root field of the operation, or "" when the body could not be parsed. */
  field: string;
  path: string;
}

export interface FakeNumerai {
  url: string;
  requests: RecordedRequest[];
  /** `inFlight` requests being answered now, and the most seen at once. */
  stats: { inFlight: number; maxInFlight: number };
  setFaults(f: FaultPlan | undefined): void;
  setModels(models: FakeModel[]): void;
  close(): Promise<void>;
}

// ───────────────────────────── Erlang/Jason-style JSON ─────────────────────────────

/** A GraphQL `Float` value: written the way Erlang's shortest float formatting writes it. */
export class ErlFloat {
  constructor(readonly value: number) {}
}

/** A JSON object whose entries keep the order they were added in. */
export class OutObject {
  readonly entries: Array<[string, Out]> = [];
  set(key: string, value: Out): this {
    const existing = this.entries.findIndex(([k]) => k === key);
    if (existing >= 0) this.entries[existing] = [key, value];
    else this.entries.push([key, value]);
    return this;
  }
  get(key: string): Out | undefined {
    return this.entries.find(([k]) => k === key)?.[1];
  }
}

export type Out = null | boolean | number | string | ErlFloat | OutObject | Out[];

/**
 * Erlang's `io_lib_format:fwrite_g/1` (used by Jason for floats): the shortest round-trip digits,
 * in decimal or exponent form, whichever is shorter (decimal on ties); integral values keep `.0`.
 * Ported from OTP's `insert_decimal/3`: digits S, value = S·10^Place, Exp = Place + len(S) − 1.
 */
export function erlangFloat(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`JSON has no representation for ${x}`);
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa = "", exponent = "0"] = Math.abs(x).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const exp = Number(exponent);
  const length = digits.length;
  const place = exp - length + 1;
  const expText = String(exp);
  const expCost = expText.length + 2;
  const withExp = () => (length === 1 ? `${digits}.0e${expText}` : `${digits[0]}.${digits.slice(1)}e${expText}`);
  let body: string;
  if (place < 0) {
    if (exp >= 0) body = `${digits.slice(0, length + place)}.${digits.slice(length + place)}`;
    else if (2 - place - length <= expCost) body = `0.${"0".repeat(-place - length)}${digits}`;
    else body = withExp();
  } else {
    const dot = length === 1 ? 1 : 0;
    body = expCost + dot >= place + 2 && Math.abs(x) < 2 ** 53 ? `${digits}${"0".repeat(place)}.0` : withExp();
  }
  return x < 0 ? `-${body}` : body;
}

/** Compact JSON; keys sorted bytewise (as Erlang orders binary map keys) unless `keyOrder` is "query". */
export function serializeOut(value: Out, keyOrder: "alphabetical" | "query" = "alphabetical"): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new TypeError(`an Int must be a safe integer; got ${value} (wrap floats in ErlFloat)`);
    return String(value);
  }
  if (typeof value === "string") return JSON.stringify(value);
  if (value instanceof ErlFloat) return erlangFloat(value.value);
  if (Array.isArray(value)) return `[${value.map((v) => serializeOut(v, keyOrder)).join(",")}]`;
  const entries = keyOrder === "alphabetical" ? [...value.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : value.entries;
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${serializeOut(v, keyOrder)}`).join(",")}}`;
}

// ───────────────────────────── a GraphQL subset: lexer and parser ─────────────────────────────

interface Token {
  kind: "punct" | "name" | "int" | "float" | "string" | "eof";
  value: string;
  line: number;
  column: number;
}

export type GqlValue =
  | { kind: "variable"; name: string }
  | { kind: "int" | "float"; value: number }
  | { kind: "string"; value: string }
  | { kind: "boolean"; value: boolean }
  | { kind: "null" }
  | { kind: "enum"; value: string }
  | { kind: "list"; values: GqlValue[] }
  | { kind: "object"; fields: Array<[string, GqlValue]> };

export interface FieldNode {
  alias: string | undefined;
  name: string;
  args: Array<{ name: string; value: GqlValue }>;
  selections: FieldNode[] | null;
  line: number;
  column: number;
}

export interface OperationNode {
  type: "query" | "mutation" | "subscription";
  name: string | undefined;
  variableDefaults: Record<string, GqlValue>;
  selections: FieldNode[];
}

export class GqlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const at = () => ({ line, column: i - lineStart + 1 });
  while (i < source.length) {
    const c = source[i] ?? "";
    if (c === "\n") {
      i++;
      line++;
      lineStart = i;
    } else if (c === " " || c === "\t" || c === "\r" || c === "," || c === "\ufeff") {
      i++;
    } else if (c === "#") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (source.startsWith("...", i)) {
      tokens.push({ kind: "punct", value: "...", ...at() });
      i += 3;
    } else if ("!$()&:=@[]{}|".includes(c)) {
      tokens.push({ kind: "punct", value: c, ...at() });
      i++;
    } else if (/[_A-Za-z]/.test(c)) {
      const start = i;
      const pos = at();
      while (i < source.length && /[_0-9A-Za-z]/.test(source[i] ?? "")) i++;
      tokens.push({ kind: "name", value: source.slice(start, i), ...pos });
    } else if (/[-0-9]/.test(c)) {
      const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(source.slice(i));
      if (!match) throw new GqlSyntaxError(`syntax error before: ${JSON.stringify(c)}`, line, i - lineStart + 1);
      tokens.push({ kind: match[2] || match[3] ? "float" : "int", value: match[0], ...at() });
      i += match[0].length;
    } else if (source.startsWith('"""', i)) {
      const pos = at();
      const end = source.indexOf('"""', i + 3);
      if (end < 0) throw new GqlSyntaxError("unterminated block string", pos.line, pos.column);
      const raw = source.slice(i + 3, end);
      for (const ch of raw) if (ch === "\n") line++;
      tokens.push({ kind: "string", value: raw.replace(/\\"""/g, '"""'), ...pos });
      i = end + 3;
    } else if (c === '"') {
      const pos = at();
      let value = "";
      i++;
      for (;;) {
        const ch = source[i];
        if (ch === undefined || ch === "\n") throw new GqlSyntaxError("unterminated string", pos.line, pos.column);
        i++;
        if (ch === '"') break;
        if (ch !== "\\") {
          value += ch;
          continue;
        }
        const esc = source[i++] ?? "";
        const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (esc === "u") {
          value += String.fromCharCode(parseInt(source.slice(i, i + 4), 16));
          i += 4;
        } else if (esc in simple) {
          value += simple[esc];
        } else {
          throw new GqlSyntaxError(`bad escape \\${esc}`, pos.line, pos.column);
        }
      }
      tokens.push({ kind: "string", value, ...pos });
    } else {
      throw new GqlSyntaxError(`illegal: ${c}`, line, i - lineStart + 1);
    }
  }
  tokens.push({ kind: "eof", value: "", line, column: i - lineStart + 1 });
  return tokens;
}

/** Parses the operations of a document; fragments and directives' semantics are not supported. */
export function parseDocument(source: string): OperationNode[] {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = (): Token => tokens[pos] ?? tokens[tokens.length - 1]!;
  const fail = (t: Token): never => {
    throw new GqlSyntaxError(`syntax error before: ${t.kind === "eof" ? "end of document" : JSON.stringify(t.value)}`, t.line, t.column);
  };
  const next = (): Token => {
    const t = peek();
    pos++;
    return t;
  };
  const isPunct = (v: string) => peek().kind === "punct" && peek().value === v;
  const expectPunct = (v: string) => {
    const t = next();
    if (t.kind !== "punct" || t.value !== v) fail(t);
  };
  const expectName = (): Token => {
    const t = next();
    if (t.kind !== "name") fail(t);
    return t;
  };

  const parseValue = (constOnly: boolean): GqlValue => {
    const t = next();
    if (t.kind === "punct" && t.value === "$" && !constOnly) return { kind: "variable", name: expectName().value };
    if (t.kind === "int") return { kind: "int", value: Number(t.value) };
    if (t.kind === "float") return { kind: "float", value: Number(t.value) };
    if (t.kind === "string") return { kind: "string", value: t.value };
    if (t.kind === "name") {
      if (t.value === "true" || t.value === "false") return { kind: "boolean", value: t.value === "true" };
      if (t.value === "null") return { kind: "null" };
      return { kind: "enum", value: t.value };
    }
    if (t.kind === "punct" && t.value === "[") {
      const values: GqlValue[] = [];
      while (!isPunct("]")) values.push(parseValue(constOnly));
      next();
      return { kind: "list", values };
    }
    if (t.kind === "punct" && t.value === "{") {
      const fields: Array<[string, GqlValue]> = [];
      while (!isPunct("}")) {
        const name = expectName().value;
        expectPunct(":");
        fields.push([name, parseValue(constOnly)]);
      }
      next();
      return { kind: "object", fields };
    }
    return fail(t);
  };

  const skipDirectives = () => {
    while (isPunct("@")) {
      next();
      expectName();
      if (isPunct("(")) parseArguments();
    }
  };

  const parseArguments = (): Array<{ name: string; value: GqlValue }> => {
    const args: Array<{ name: string; value: GqlValue }> = [];
    expectPunct("(");
    while (!isPunct(")")) {
      const name = expectName().value;
      expectPunct(":");
      args.push({ name, value: parseValue(false) });
    }
    next();
    return args;
  };

  const parseType = () => {
    if (isPunct("[")) {
      next();
      parseType();
      expectPunct("]");
    } else {
      expectName();
    }
    if (isPunct("!")) next();
  };

  const parseSelectionSet = (): FieldNode[] => {
    expectPunct("{");
    const fields: FieldNode[] = [];
    while (!isPunct("}")) {
      if (isPunct("...")) throw new GqlSyntaxError("fragments are not supported by the fake Numerai server", peek().line, peek().column);
      const first = expectName();
      let alias: string | undefined;
      let nameToken = first;
      if (isPunct(":")) {
        next();
        alias = first.value;
        nameToken = expectName();
      }
      const args = isPunct("(") ? parseArguments() : [];
      skipDirectives();
      const selections = isPunct("{") ? parseSelectionSet() : null;
      fields.push({ alias, name: nameToken.value, args, selections, line: nameToken.line, column: nameToken.column });
    }
    next();
    return fields;
  };

  const operations: OperationNode[] = [];
  while (peek().kind !== "eof") {
    if (isPunct("{")) {
      operations.push({ type: "query", name: undefined, variableDefaults: {}, selections: parseSelectionSet() });
      continue;
    }
    const keyword = expectName();
    if (keyword.value === "fragment") throw new GqlSyntaxError("fragments are not supported by the fake Numerai server", keyword.line, keyword.column);
    if (keyword.value !== "query" && keyword.value !== "mutation" && keyword.value !== "subscription") fail(keyword);
    const name = peek().kind === "name" ? next().value : undefined;
    const variableDefaults: Record<string, GqlValue> = {};
    if (isPunct("(")) {
      next();
      while (!isPunct(")")) {
        expectPunct("$");
        const variable = expectName().value;
        expectPunct(":");
        parseType();
        if (isPunct("=")) {
          next();
          variableDefaults[variable] = parseValue(true);
        }
        skipDirectives();
      }
      next();
    }
    skipDirectives();
    operations.push({ type: keyword.value as OperationNode["type"], name, variableDefaults, selections: parseSelectionSet() });
  }
  if (operations.length === 0) fail(peek());
  return operations;
}

function valueToJs(value: GqlValue, variables: Record<string, unknown>, defaults: Record<string, GqlValue>): unknown {
  switch (value.kind) {
    case "variable": {
      if (Object.hasOwn(variables, value.name)) return variables[value.name];
      const fallback = defaults[value.name];
      return fallback === undefined ? null : valueToJs(fallback, {}, {});
    }
    case "int":
    case "float":
    case "string":
    case "boolean":
    case "enum":
      return value.value;
    case "null":
      return null;
    case "list":
      return value.values.map((v) => valueToJs(v, variables, defaults));
    case "object":
      return Object.fromEntries(value.fields.map(([k, v]) => [k, valueToJs(v, variables, defaults)]));
  }
}

// ───────────────────────────── schema ─────────────────────────────

type ScalarName = "Int" | "Float" | "String" | "Boolean" | "ID" | "Time" | "Nmr" | "RoundStatus";

interface FieldDef {
  type: ScalarName | ObjectType;
  list?: boolean;
  get(source: unknown): unknown;
}

interface ObjectType {
  name: string;
  fields: Record<string, FieldDef>;
}

function objectType<S>(name: string, fields: Record<string, { type: ScalarName | ObjectType; list?: boolean; get(source: S): unknown }>): ObjectType {
  const wrapped: Record<string, FieldDef> = {};
  for (const [key, def] of Object.entries(fields)) {
    wrapped[key] = { type: def.type, ...(def.list ? { list: true } : {}), get: (source) => def.get(source as S) };
  }
  return { name, fields: wrapped };
}

interface RoundFacts {
  number: number;
  id: string;
  openTime: Date;
  closeStakingTime: Date;
  scoreTime: Date;
  resolveTime: Date;
  resolved: boolean;
  payoutFactor: string | null;
  corrMultiplier: number;
  mmcMultiplier: number;
}

interface PerfSource {
  model: FakeModel;
  round: FakeRound;
  facts: RoundFacts;
}

interface ScoreSource extends PerfSource {
  score: FakeScore;
}

const constant = (value: unknown) => () => value;
const nullField = { type: "String" as const, get: constant(null) };

/** Stable per-(model, round) id, so repeated queries agree. */
function derivedId(...parts: Array<string | number>): string {
  return fakeUuid(mulberry32(hashString(parts.join("/"))));
}

function buildSchema(): { root: ObjectType; perf: ObjectType; score: ObjectType; profile: ObjectType; round: ObjectType } {
  const score = objectType<ScoreSource>("SubmissionScore", {
    date: { type: "Time", get: (s) => s.score.date },
    day: { type: "Int", get: (s) => s.score.day },
    displayName: { type: "String", get: (s) => s.score.displayName },
    payoutPending: { type: "Nmr", get: (s) => s.score.payoutPending },
    payoutSettled: { type: "Nmr", get: (s) => s.score.payoutSettled },
    percentile: { type: "Float", get: (s) => s.score.percentile },
    resolveDate: { type: "Time", get: (s) => s.round.resolveTime },
    resolved: { type: "Boolean", get: (s) => s.round.resolved },
    roundCloseStakingTime: { type: "Time", get: (s) => formatTime(s.facts.closeStakingTime) },
    roundId: { type: "ID", get: (s) => s.facts.id },
    roundNumber: { type: "Int", get: (s) => s.round.roundNumber },
    roundResolveTime: { type: "Time", get: (s) => s.round.resolveTime },
    roundScoreTime: { type: "Time", get: (s) => formatTime(s.facts.scoreTime) },
    submissionId: { type: "ID", get: (s) => derivedId("submission", s.model.id, s.round.roundNumber) },
    value: { type: "Float", get: (s) => s.score.value },
    version: nullField,
  });
  const scoresOf = (p: PerfSource): ScoreSource[] => p.round.scores.map((sc) => ({ ...p, score: sc }));
  const perf = objectType<PerfSource>("V2RoundModelPerformance", {
    allSubmissionScores: { type: score, list: true, get: scoresOf },
    atRisk: { type: "Nmr", get: (p) => p.round.atRisk },
    churnThreshold: { type: "Float", get: constant(null) },
    corrMultiplier: { type: "Float", get: (p) => p.round.corrMultiplier },
    intraRoundSubmissionScores: { type: score, list: true, get: scoresOf },
    mmcMultiplier: { type: "Float", get: (p) => p.round.mmcMultiplier },
    prevWeekChurnMax: { type: "Float", get: constant(null) },
    prevWeekTurnoverMax: { type: "Float", get: constant(null) },
    roundCloseStakingTime: { type: "Time", get: (p) => formatTime(p.facts.closeStakingTime) },
    roundDataDatestamp: { type: "Int", get: (p) => Number(p.round.openTime.slice(0, 10).replaceAll("-", "")) },
    roundId: { type: "ID", get: (p) => p.facts.id },
    roundNumber: { type: "Int", get: (p) => p.round.roundNumber },
    roundOpenTime: { type: "Time", get: (p) => p.round.openTime },
    roundPayoutFactor: { type: "String", get: (p) => p.round.payoutFactor },
    roundResolveTime: { type: "Time", get: (p) => p.round.resolveTime },
    roundResolved: { type: "Boolean", get: (p) => p.round.resolved },
    roundScoreTime: { type: "Time", get: (p) => formatTime(p.facts.scoreTime) },
    roundTarget: { type: "String", get: (p) => p.round.target },
    submissionId: { type: "ID", get: (p) => derivedId("submission", p.model.id, p.round.roundNumber) },
    submissionScores: { type: score, list: true, get: scoresOf },
    tcMultiplier: { type: "Float", get: constant(null) },
    tickersAcceptedCount: { type: "Int", get: constant(null) },
    tickersSubmittedCount: { type: "Int", get: constant(null) },
    turnoverThreshold: { type: "Float", get: constant(null) },
  });
  const lastRound = (m: FakeModel) => m.rounds.reduce<FakeRound | undefined>((a, r) => (a && a.roundNumber > r.roundNumber ? a : r), undefined);
  const firstRound = (m: FakeModel) => m.rounds.reduce<FakeRound | undefined>((a, r) => (a && a.roundNumber < r.roundNumber ? a : r), undefined);
  const profile = objectType<FakeModel>("V3UserProfile", {
    accountName: nullField,
    bio: nullField,
    id: { type: "ID", get: (m) => m.id },
    isActive: { type: "Boolean", get: (m) => m.rounds.length > 0 },
    nmrStaked: { type: "Nmr", get: (m) => lastRound(m)?.atRisk ?? "0.000000000000000000" },
    stakeValue: { type: "Nmr", get: (m) => lastRound(m)?.atRisk ?? null },
    startDate: { type: "Time", get: (m) => firstRound(m)?.openTime ?? null },
    team: { type: "Boolean", get: constant(false) },
    tournament: { type: "Int", get: constant(8) },
    username: { type: "String", get: (m) => m.name },
  });
  // accountProfile's ModelProfile: `displayName`, not `name`; the Rep/return fields are not modelled (null).
  const modelProfile = objectType<FakeModel>("ModelProfile", {
    corr20V2Rep: { type: "Float", get: constant(null) },
    corr60Rep: { type: "Float", get: constant(null) },
    displayName: { type: "String", get: (m) => m.name },
    id: { type: "ID", get: (m) => m.id },
    mmc60Rep: { type: "Float", get: constant(null) },
    mmcRep: { type: "Float", get: constant(null) },
    return1y: { type: "Float", get: constant(null) },
    stake: { type: "Nmr", get: (m) => lastRound(m)?.atRisk ?? "0.000000000000000000" },
  });
  const accountProfile = objectType<{ username: string; models: FakeModel[] }>("AccountProfile", {
    id: { type: "ID", get: (a) => derivedId("account", a.username) },
    models: { type: modelProfile, list: true, get: (a) => a.models },
    username: { type: "String", get: (a) => a.username },
  });
  const round = objectType<RoundFacts>("Round", {
    closeStakingTime: { type: "Time", get: (r) => formatTime(r.closeStakingTime) },
    closeTime: { type: "Time", get: (r) => formatTime(r.closeStakingTime) },
    dataDatestamp: { type: "Int", get: (r) => Number(formatTime(r.openTime).slice(0, 10).replaceAll("-", "")) },
    defaultCorrMultiplier: { type: "Float", get: (r) => r.corrMultiplier },
    defaultMmcMultiplier: { type: "Float", get: (r) => r.mmcMultiplier },
    defaultTcMultiplier: { type: "Float", get: constant(null) },
    id: { type: "ID", get: (r) => r.id },
    isDaily: { type: "Boolean", get: constant(true) },
    maxCorrMultiplier: { type: "Float", get: (r) => r.corrMultiplier },
    maxMmcMultiplier: { type: "Float", get: (r) => r.mmcMultiplier },
    maxTcMultiplier: { type: "Float", get: constant(null) },
    minCorrMultiplier: { type: "Float", get: (r) => r.corrMultiplier },
    minMmcMultiplier: { type: "Float", get: (r) => r.mmcMultiplier },
    minTcMultiplier: { type: "Float", get: constant(null) },
    number: { type: "Int", get: (r) => r.number },
    openTime: { type: "Time", get: (r) => formatTime(r.openTime) },
    payoutFactor: { type: "String", get: (r) => r.payoutFactor },
    resolveTime: { type: "Time", get: (r) => formatTime(r.resolveTime) },
    resolvedGeneral: { type: "Boolean", get: (r) => r.resolved },
    resolvedStaking: { type: "Boolean", get: (r) => r.resolved },
    scoreTime: { type: "Time", get: (r) => formatTime(r.scoreTime) },
    stakeThreshold: { type: "Float", get: constant(72_000) },
    target: nullField,
    tournament: { type: "Int", get: constant(8) },
  });
  // Root field values are produced by resolvers (below); these `get`s are never called.
  const root = objectType<never>("RootQueryType", {
    accountProfile: { type: accountProfile, get: constant(null) },
    rounds: { type: round, list: true, get: constant(null) },
    submissionScores: { type: score, list: true, get: constant(null) },
    v2RoundModelPerformances: { type: perf, list: true, get: constant(null) },
    v3UserProfile: { type: profile, get: constant(null) },
  });
  return { root, perf, score, profile, round };
}

interface ArgSpec {
  name: string;
  type: string;
  required?: boolean;
}

const ROOT_ARGS: Record<string, ArgSpec[]> = {
  accountProfile: [
    { name: "username", type: "String!", required: true },
    { name: "tournament", type: "Int" },
  ],
  v3UserProfile: [
    { name: "modelName", type: "String!", required: true },
    { name: "tournament", type: "Int" },
  ],
  v2RoundModelPerformances: [
    { name: "modelId", type: "ID!", required: true },
    ...[
      "tournament",
      "distinctOnRound",
      "lastNRounds",
      "limit",
      "offset",
      "resolvedOnly",
      "resolvedWithinLastNDays",
      "roundDataDatestampGte",
      "roundNumberEq",
      "roundNumberGte",
      "roundNumberLte",
      "scoredWithinLastNDays",
      "submittedOnly",
    ].map((name) => ({ name, type: "Int" })),
  ],
  submissionScores: [
    { name: "modelId", type: "ID!", required: true },
    ...["day", "displayName", "distinctOnRound", "lastNRounds", "resolved", "tournament", "version"].map((name) => ({ name, type: "String" })),
  ],
  rounds: ["limit", "number", "status", "target", "tournament"].map((name) => ({ name, type: "Int" })),
};

/** `model_name`, `modelName`, `roundNumber__gte`, `round_number_gte` all name the same argument. */
const normaliseArgName = (name: string) => name.replaceAll("_", "").toLowerCase();

interface GqlErrorOut {
  message: string;
  line: number;
  column: number;
  path?: string[];
}

function errorOut(e: GqlErrorOut): OutObject {
  const o = new OutObject();
  o.set("locations", [new OutObject().set("column", e.column).set("line", e.line)]);
  o.set("message", e.message);
  if (e.path) o.set("path", e.path);
  return o;
}

function validateSelections(type: ObjectType, fields: FieldNode[], errors: GqlErrorOut[]): void {
  for (const f of fields) {
    if (f.name === "__typename") continue;
    const def = type.fields[f.name];
    if (!def) {
      errors.push({ message: `Cannot query field "${f.name}" on type "${type.name}".`, line: f.line, column: f.column });
      continue;
    }
    if (typeof def.type === "string") {
      if (f.selections) errors.push({ message: `Field "${f.name}" must not have a selection since type "${def.type}" has no subfields.`, line: f.line, column: f.column });
    } else if (!f.selections) {
      errors.push({ message: `Field "${f.name}" of type "${def.list ? `[${def.type.name}]` : def.type.name}" must have a selection of subfields.`, line: f.line, column: f.column });
    } else {
      validateSelections(def.type, f.selections, errors);
    }
  }
}

function toOut(type: ScalarName | ObjectType, value: unknown, selections: FieldNode[] | null): Out {
  if (value === null || value === undefined) return null;
  if (typeof type !== "string") {
    const o = new OutObject();
    for (const f of selections ?? []) {
      const key = f.alias ?? f.name;
      if (f.name === "__typename") {
        o.set(key, type.name);
        continue;
      }
      const def = type.fields[f.name]!;
      const raw = def.get(value);
      o.set(key, def.list ? (raw === null ? null : (raw as unknown[]).map((item) => toOut(def.type, item, f.selections))) : toOut(def.type, raw, f.selections));
    }
    return o;
  }
  if (type === "Float") return new ErlFloat(value as number);
  if (type === "Int") return value as number;
  return value as string | boolean;
}

// ───────────────────────────── the server ─────────────────────────────

const CURRENT_ROUND_CLOSED = "Current round not open for submissions";

export async function startFakeNumerai(opts: FakeNumeraiOptions): Promise<FakeNumerai> {
  let models = opts.models;
  let faults = opts.faults;
  let faultRng = mulberry32(faults?.seed ?? 1);
  let sequenceIndex = 0;
  const keyOrder = opts.keyOrder ?? "alphabetical";
  const now = opts.now ?? nowForCurrentRound(opts.currentRound);
  const schema = buildSchema();
  const requests: RecordedRequest[] = [];
  const stats = { inFlight: 0, maxInFlight: 0 };
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  function roundFacts(n: number): RoundFacts {
    let modelRound: FakeRound | undefined;
    for (const m of models) {
      modelRound = m.rounds.find((r) => r.roundNumber === n);
      if (modelRound) break;
    }
    const multipliers = multipliersFor(n);
    const resolveTime = modelRound ? new Date(modelRound.resolveTime) : roundResolveTime(n);
    return {
      number: n,
      id: derivedId("round", n),
      openTime: modelRound ? new Date(modelRound.openTime) : roundOpenTime(n),
      closeStakingTime: roundCloseStakingTime(n),
      scoreTime: scoreDate(n, 1),
      resolveTime,
      resolved: modelRound ? modelRound.resolved : resolveTime.getTime() <= now.getTime(),
      payoutFactor: modelRound?.payoutFactor ?? null,
      corrMultiplier: modelRound?.corrMultiplier ?? multipliers.corr,
      mmcMultiplier: modelRound?.mmcMultiplier ?? multipliers.mmc,
    };
  }

  function allRoundNumbers(): number[] {
    let low = opts.currentRound - 30;
    let high = opts.currentRound;
    for (const m of models) {
      for (const r of m.rounds) {
        low = Math.min(low, r.roundNumber);
        high = Math.max(high, r.roundNumber);
      }
    }
    const numbers: number[] = [];
    for (let n = Math.max(340, low); n <= high; n++) numbers.push(n);
    return numbers;
  }

  type Resolved = { value: unknown; error?: string };
  const num = (v: unknown): number | undefined => (typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : undefined);

  function perfSources(model: FakeModel, args: Record<string, unknown>): PerfSource[] {
    const gte = num(args.roundNumberGte);
    const lte = num(args.roundNumberLte);
    const eq = num(args.roundNumberEq);
    const lastN = num(args.lastNRounds);
    let rounds = model.rounds.filter(
      (r) =>
        (gte === undefined || r.roundNumber >= gte) &&
        (lte === undefined || r.roundNumber <= lte) &&
        (eq === undefined || r.roundNumber === eq) &&
        // Chosen reading of the unconfirmed `lastNRounds`: a window of round numbers ending at the current round.
        (lastN === undefined || r.roundNumber > opts.currentRound - lastN) &&
        (args.resolvedOnly !== true || r.resolved),
    );
    rounds = [...rounds].sort((a, b) => (opts.roundOrder === "asc" ? a.roundNumber - b.roundNumber : b.roundNumber - a.roundNumber));
    const offset = num(args.offset) ?? 0;
    const limit = num(args.limit);
    rounds = rounds.slice(offset, limit === undefined ? undefined : offset + limit);
    return rounds.map((round) => ({ model, round, facts: roundFacts(round.roundNumber) }));
  }

  const resolvers: Record<string, (args: Record<string, unknown>) => Resolved> = {
    v3UserProfile(args) {
      const model = models.find((m) => m.name === args.modelName);
      if (model) return { value: model };
      // Unconfirmed which of the two the real server does; clients must handle both.
      return opts.unknownModelStyle === "error" ? { value: null, error: "Model not found" } : { value: null };
    },
    accountProfile(args) {
      const username = typeof args.username === "string" ? args.username.toLowerCase() : "";
      const owned = models.filter((m) => m.account?.toLowerCase() === username);
      if (owned.length > 0) return { value: { username, models: owned } };
      // Unconfirmed, like an unknown model: a null profile or an `errors` entry.
      return opts.unknownModelStyle === "error" ? { value: null, error: "Account not found" } : { value: null };
    },
    v2RoundModelPerformances(args) {
      const model = models.find((m) => m.id === args.modelId);
      return { value: model ? perfSources(model, args) : [] };
    },
    submissionScores(args) {
      const model = models.find((m) => m.id === args.modelId);
      if (!model) return { value: [] };
      const out: ScoreSource[] = [];
      for (const p of perfSources(model, { lastNRounds: args.lastNRounds })) {
        for (const sc of p.round.scores) {
          if (args.displayName != null && sc.displayName !== args.displayName) continue;
          if (args.resolved != null && p.round.resolved !== args.resolved) continue;
          // The flat endpoint is a daily history; the fake also returns the day before the latest
          // (value shifted) so clients must pick the latest day per score themselves.
          if (sc.day > 1 && args.distinctOnRound !== true && args.day == null) {
            const earlier = { ...sc, day: sc.day - 1, date: formatTime(scoreDate(Math.max(340, p.round.roundNumber), sc.day - 1)), value: sc.value === null ? null : sc.value * 0.9 + 0.001 };
            out.push({ ...p, score: earlier });
          }
          if (args.day != null && sc.day !== num(args.day)) continue;
          out.push({ ...p, score: sc });
        }
      }
      return { value: out };
    },
    rounds(args) {
      const number = num(args.number);
      if (number === 0) {
        if (opts.roundClosed) return { value: null, error: CURRENT_ROUND_CLOSED };
        return { value: [roundFacts(opts.currentRound)] };
      }
      if (number !== undefined) return { value: allRoundNumbers().includes(number) ? [roundFacts(number)] : [] };
      const status = typeof args.status === "string" ? args.status : undefined;
      const statusOf = (r: RoundFacts) => (r.resolved ? "RESOLVED" : r.number === opts.currentRound ? "OPEN" : r.number > opts.currentRound ? "UPCOMING" : "RESOLVING");
      let rounds = allRoundNumbers()
        .reverse()
        .map(roundFacts)
        .filter((r) => status === undefined || statusOf(r) === status);
      const limit = num(args.limit);
      if (limit !== undefined) rounds = rounds.slice(0, limit);
      return { value: rounds };
    },
  };

  /** Executes one GraphQL request body; returns the response tree and the first root field's name. */
  function execute(body: unknown): { out: OutObject; field: string } {
    const payload = (typeof body === "object" && body !== null ? body : {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
    const fail = (message: string, line = 1, column = 1) => ({ out: new OutObject().set("errors", [errorOut({ message, line, column })]), field: "" });
    if (typeof payload.query !== "string") return fail("No query document supplied");
    let operations: OperationNode[];
    try {
      operations = parseDocument(payload.query);
    } catch (e) {
      if (e instanceof GqlSyntaxError) return fail(e.message, e.line, e.column);
      throw e;
    }
    const operation = operations.find((o) => payload.operationName == null || o.name === payload.operationName) ?? operations[0]!;
    const field = operation.selections[0]?.name ?? "";
    if (operation.type !== "query") return { ...fail(`Operation "${operation.type}" not supported`), field };
    const variables = (typeof payload.variables === "object" && payload.variables !== null ? payload.variables : {}) as Record<string, unknown>;

    const errors: GqlErrorOut[] = [];
    const rootFields = operation.selections.filter((f) => f.name !== "__typename");
    for (const f of rootFields) {
      const def = schema.root.fields[f.name];
      if (!def || (f.name === "v2RoundModelPerformances" && opts.v2Removed)) {
        errors.push({ message: `Cannot query field "${f.name}" on type "${schema.root.name}".`, line: f.line, column: f.column });
        continue;
      }
      const specs = ROOT_ARGS[f.name] ?? [];
      for (const a of f.args) {
        if (!specs.some((s) => normaliseArgName(s.name) === normaliseArgName(a.name))) {
          errors.push({ message: `Unknown argument "${a.name}" on field "${f.name}" of type "${schema.root.name}".`, line: f.line, column: f.column });
        }
      }
      for (const s of specs.filter((x) => x.required)) {
        const given = f.args.find((a) => normaliseArgName(a.name) === normaliseArgName(s.name));
        const value = given ? valueToJs(given.value, variables, operation.variableDefaults) : null;
        if (value === null || value === undefined) {
          errors.push({ message: `In argument "${s.name}": Expected type "${s.type}", found null.`, line: f.line, column: f.column });
        }
      }
      validateSelections(typeof def.type === "string" ? schema.root : def.type, f.selections ?? [], errors);
    }
    if (errors.length > 0) return { out: new OutObject().set("errors", errors.map(errorOut)), field };

    const data = new OutObject();
    const resolverErrors: GqlErrorOut[] = [];
    for (const f of operation.selections) {
      const key = f.alias ?? f.name;
      if (f.name === "__typename") {
        data.set(key, schema.root.name);
        continue;
      }
      const def = schema.root.fields[f.name]!;
      const args: Record<string, unknown> = {};
      for (const a of f.args) {
        const spec = (ROOT_ARGS[f.name] ?? []).find((s) => normaliseArgName(s.name) === normaliseArgName(a.name))!;
        args[spec.name] = valueToJs(a.value, variables, operation.variableDefaults);
      }
      const result = resolvers[f.name]!(args);
      if (result.error !== undefined) resolverErrors.push({ message: result.error, line: f.line, column: f.column, path: [key] });
      data.set(key, def.list ? (result.value === null ? null : (result.value as unknown[]).map((v) => toOut(def.type, v, f.selections))) : toOut(def.type, result.value, f.selections));
    }
    const out = new OutObject().set("data", data);
    if (resolverErrors.length > 0) out.set("errors", resolverErrors.map(errorOut));
    return { out, field };
  }

  /** The "null-fields" glitch: required fields of a 200 answer come back null. */
  function nullRequiredFields(out: OutObject): void {
    const data = out.get("data");
    if (!(data instanceof OutObject)) return;
    for (const [key, value] of data.entries) {
      const items = Array.isArray(value) ? value : [value];
      let nulled = false;
      for (const item of items) {
        if (!(item instanceof OutObject)) continue;
        // accountProfile: the required fields are its models' ids and names.
        const owned = item.get("models");
        if (Array.isArray(owned)) {
          for (const m of owned) {
            if (!(m instanceof OutObject)) continue;
            for (const required of ["id", "displayName"]) if (m.get(required) !== undefined) m.set(required, null);
            nulled = true;
          }
        }
        for (const required of ["id", "username", "roundNumber", "number"]) {
          if (item.get(required) !== undefined) {
            item.set(required, null);
            nulled = true;
          }
        }
      }
      if (!nulled) data.set(key, null);
    }
  }

  /** Absinthe's answer when a root resolver fails: the field is null and `errors` says why. */
  function internalError(out: OutObject, field: string): OutObject {
    const data = out.get("data");
    const root = field || "v3UserProfile";
    const nulled = new OutObject();
    if (data instanceof OutObject) for (const [key] of data.entries) nulled.set(key, null);
    else nulled.set(root, null);
    return new OutObject().set("data", nulled).set("errors", [errorOut({ message: "Internal server error", line: 2, column: 3, path: [root] })]);
  }

  /** The round faults: one round (chosen by the fault PRNG) of a v2RoundModelPerformances list is damaged. */
  function damageRound(out: OutObject, kind: "null-scores" | "null-payouts" | "missing-round" | "empty-scores"): void {
    const data = out.get("data");
    const list = data instanceof OutObject ? data.get("v2RoundModelPerformances") : undefined;
    if (!Array.isArray(list) || !(data instanceof OutObject)) return;
    // Rounds that have scores: the faults that take them away must hit a round that has some.
    const scored = list.filter((r) => r instanceof OutObject && (kind === "missing-round" || (Array.isArray(r.get("submissionScores")) && (r.get("submissionScores") as Out[]).length > 0)));
    if (scored.length === 0) return;
    const target = scored[Math.floor(faultRng() * scored.length)] as OutObject;
    if (kind === "missing-round") data.set("v2RoundModelPerformances", list.filter((r) => r !== target));
    else if (kind === "null-scores") target.set("submissionScores", null);
    else if (kind === "empty-scores") target.set("submissionScores", []);
    else {
      for (const entry of target.get("submissionScores") as Out[]) {
        if (!(entry instanceof OutObject)) continue;
        if (entry.get("payoutPending") !== undefined) entry.set("payoutPending", null);
        if (entry.get("payoutSettled") !== undefined) entry.set("payoutSettled", null);
      }
    }
  }

  function nextFault(): FaultKind | undefined {
    if (!faults) return undefined;
    const scripted = faults.sequence?.[sequenceIndex];
    if (faults.sequence && sequenceIndex < faults.sequence.length) {
      sequenceIndex++;
      return scripted === "ok" ? undefined : scripted;
    }
    if (faults.kinds.length === 0 || faultRng() >= faults.rate) return undefined;
    return faults.kinds[Math.floor(faultRng() * faults.kinds.length)];
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    res.on("close", () => stats.inFlight--);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown = text;
    let bodyIsJson = false;
    try {
      body = JSON.parse(text);
      bodyIsJson = true;
    } catch {
      // recorded as the raw text; answered 400 below
    }
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const record: RecordedRequest = { body, headers: { ...req.headers }, field: "", path };
    requests.push(record);

    const send = (status: number, payload: string, headers: Record<string, string> = {}) => {
      if (res.destroyed) return;
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": String(Buffer.byteLength(payload)), ...headers });
      res.end(payload);
    };

    if (path !== "/" && path !== "/graphql") return send(404, "Not Found", { "content-type": "text/plain" });
    if (req.method !== "POST") return send(405, "Method Not Allowed", { "content-type": "text/plain" });
    const fault = nextFault();
    if (opts.slowMs) await delay(opts.slowMs);
    if (!bodyIsJson) return send(400, "Bad Request", { "content-type": "text/plain" });

    const { out, field } = execute(body);
    record.field = field;
    switch (fault) {
      case "500":
        return send(500, "Internal Server Error", { "content-type": "text/plain" });
      case "429":
        return send(429, "Too Many Requests", {
          "content-type": "text/plain",
          ...(faults?.retryAfterSeconds === undefined ? {} : { "retry-after": String(faults.retryAfterSeconds) }),
        });
      case "400":
        return send(400, "Bad Request", { "content-type": "text/plain" });
      case "reset":
        req.socket.destroy();
        return;
      case "malformed":
        return send(200, "<html><body>upstream glitch</body></html>");
      case "truncated": {
        const full = serializeOut(out, keyOrder);
        return send(200, full.slice(0, Math.floor(full.length / 2)));
      }
      case "null-fields":
        nullRequiredFields(out);
        return send(200, serializeOut(out, keyOrder));
      case "graphql-internal":
        return send(200, serializeOut(internalError(out, field), keyOrder));
      case "null-scores":
      case "null-payouts":
      case "missing-round":
      case "empty-scores":
        damageRound(out, fault);
        return send(200, serializeOut(out, keyOrder));
      case "timeout":
        await delay(faults?.holdMs ?? 2000);
        return send(200, serializeOut(out, keyOrder));
      case undefined:
        return send(200, serializeOut(out, keyOrder));
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(`fake server failure: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stats,
    setFaults(f) {
      faults = f;
      faultRng = mulberry32(f?.seed ?? 1);
      sequenceIndex = 0;
    },
    setModels(next) {
      models = next;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
