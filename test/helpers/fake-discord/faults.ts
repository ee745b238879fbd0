import type { FaultSpec, RouteMatcher, RuleHandle } from "./types.js";

/** A compiled `"METHOD /path/:param"` pattern. */
export interface RoutePattern {
  readonly method: string;
  readonly segments: readonly string[];
  readonly source: string;
}

export function compileRoutePattern(source: string): RoutePattern {
  const match = /^(\*|[A-Z]+)\s+(\/\S*)$/.exec(source.trim());
  if (!match) throw new Error(`route pattern must look like "POST /channels/:channelId/messages", got "${source}"`);
  return { method: match[1]!, segments: splitPath(match[2]!), source };
}

export function splitPath(path: string): string[] {
  return path.split("/").filter((segment) => segment.length > 0);
}

/** Returns the `:param` values when `pattern` matches `path` (already percent-decoded), else null. */
export function matchRoute(pattern: RoutePattern, method: string, path: string): Record<string, string> | null {
  if (pattern.method !== "*" && pattern.method !== method) return null;
  const segments = splitPath(path);
  if (segments.length !== pattern.segments.length) return null;
  const params: Record<string, string> = {};
  for (const [index, expected] of pattern.segments.entries()) {
    const actual = segments[index]!;
    if (expected.startsWith(":")) params[expected.slice(1)] = actual;
    else if (expected !== actual) return null;
  }
  return params;
}

function compileMatcher(matcher: RouteMatcher): (method: string, path: string) => boolean {
  if (typeof matcher === "function") return (method, path) => matcher({ method, path });
  const pattern = compileRoutePattern(matcher);
  return (method, path) => matchRoute(pattern, method, path) !== null;
}

export interface Rule<T> extends RuleHandle {
  readonly matches: (method: string, path: string) => boolean;
  readonly value: T;
  /** Consumes one use; false when the rule is spent or cleared. */
  take(): boolean;
}

export function createRule<T>(matcher: RouteMatcher, value: T, times: number): Rule<T> {
  const matches = compileMatcher(matcher);
  let hits = 0;
  let remaining = times;
  return {
    matches,
    value,
    get hits() {
      return hits;
    },
    get remaining() {
      return remaining;
    },
    take() {
      if (remaining <= 0) return false;
      remaining -= 1;
      hits += 1;
      return true;
    },
    clear() {
      remaining = 0;
    },
  };
}

export interface FaultResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

/** The answer real Discord gives for each fault kind (connection-reset has none; the caller destroys the socket). */
export function faultResponse(spec: Exclude<FaultSpec, { kind: "connection-reset" }>, bucket: string): FaultResponse {
  switch (spec.kind) {
    case "server-error": {
      const status = spec.status ?? 500;
      const text = { 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout" }[status];
      return { status, body: { message: `${status}: ${text}`, code: 0 }, headers: {} };
    }
    case "rate-limit": {
      const retryAfter = spec.retryAfterSeconds;
      const global = spec.global ?? false;
      const headers: Record<string, string> = { "retry-after": String(retryAfter) };
      if (global) {
        headers["x-ratelimit-global"] = "true";
        headers["x-ratelimit-scope"] = "global";
      } else {
        headers["x-ratelimit-limit"] = "5";
        headers["x-ratelimit-remaining"] = "0";
        headers["x-ratelimit-reset"] = ((Date.now() + retryAfter * 1000) / 1000).toFixed(3);
        headers["x-ratelimit-reset-after"] = String(retryAfter);
        headers["x-ratelimit-bucket"] = bucket;
        headers["x-ratelimit-scope"] = spec.scope ?? "user";
      }
      return { status: 429, body: { message: "You are being rate limited.", retry_after: retryAfter, global }, headers };
    }
    case "cannot-message-user":
      return { status: 403, body: { message: "Cannot send messages to this user", code: 50007 }, headers: {} };
    case "unknown-channel":
      return { status: 404, body: { message: "Unknown Channel", code: 10003 }, headers: {} };
    case "missing-access":
      return { status: 403, body: { message: "Missing Access", code: 50001 }, headers: {} };
    case "missing-permissions":
      return { status: 403, body: { message: "Missing Permissions", code: 50013 }, headers: {} };
    case "unknown-interaction":
      return { status: 404, body: { message: "Unknown interaction", code: 10062 }, headers: {} };
    case "custom":
      return { status: spec.status, body: spec.body, headers: spec.headers ?? {} };
  }
}
