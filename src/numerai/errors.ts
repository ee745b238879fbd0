/**
 * Errors of the Numerai API client. `retryable` says whether the same request may succeed if sent
 * again (network trouble, timeouts, 5xx, 429, a garbled 2xx body, a GraphQL "Internal server
 * error"); the client's retry loop reads it.
 */
export class NumeraiError extends Error {
  readonly retryable: boolean;
  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "NumeraiError";
    this.retryable = options.retryable;
  }
}

/**
 * GraphQL error messages that report a failure of the service, not of the question: a resolver
 * that crashed ("Internal server error"), timed out or found its backend unavailable. Asked again,
 * the same query may well succeed, so these are retried like a 5xx.
 */
const TRANSIENT_GRAPHQL_MESSAGE = /internal (server )?error|timed? ?out|timeout|temporarily unavailable|service unavailable|try again|bad gateway|gateway timeout/i;

export function isTransientGraphQLMessage(message: string): boolean {
  return TRANSIENT_GRAPHQL_MESSAGE.test(message);
}

/**
 * The server answered with GraphQL `errors`. Like numerapi, `message` is the last error's message;
 * `messages` has them all. Retried only when a message reports a transient service failure (see
 * `isTransientGraphQLMessage`); any other error is about the query and gets the same answer again.
 */
export class NumeraiGraphQLError extends NumeraiError {
  readonly messages: readonly string[];
  readonly operation: string;
  constructor(messages: readonly string[], operation: string) {
    super(messages.at(-1) ?? "GraphQL error without a message", { retryable: messages.some(isTransientGraphQLMessage) });
    this.name = "NumeraiGraphQLError";
    this.messages = messages;
    this.operation = operation;
  }
}

export class UnknownModelError extends NumeraiError {
  readonly modelName: string;
  constructor(modelName: string, options: { cause?: unknown } = {}) {
    super(`no Numerai model called ${modelName}`, { retryable: false, cause: options.cause });
    this.name = "UnknownModelError";
    this.modelName = modelName;
  }
}

export class UnknownAccountError extends NumeraiError {
  readonly account: string;
  constructor(account: string, options: { cause?: unknown } = {}) {
    super(`no Numerai account called ${account}`, { retryable: false, cause: options.cause });
    this.name = "UnknownAccountError";
    this.account = account;
  }
}

/** A non-2xx answer. 429 and 5xx are retryable; other statuses are not. */
export class NumeraiHttpError extends NumeraiError {
  readonly status: number;
  /** From `Retry-After` (seconds or HTTP date), when the server sent one. */
  readonly retryAfterMs: number | undefined;
  /** GraphQL error messages found in the body, if it was a GraphQL error document. */
  readonly messages: readonly string[];
  constructor(status: number, operation: string, details: { retryAfterMs?: number | undefined; messages?: readonly string[] } = {}) {
    const messages = details.messages ?? [];
    const suffix = messages.length > 0 ? `: ${messages.join("; ")}` : "";
    super(`Numerai API answered HTTP ${status} to ${operation}${suffix}`, { retryable: status === 429 || (status >= 500 && status <= 599) });
    this.name = "NumeraiHttpError";
    this.status = status;
    this.retryAfterMs = details.retryAfterMs;
    this.messages = messages;
  }
}

export class NumeraiTimeoutError extends NumeraiError {
  readonly timeoutMs: number;
  constructor(operation: string, timeoutMs: number, options: { cause?: unknown } = {}) {
    super(`Numerai API did not answer ${operation} within ${timeoutMs} ms`, { retryable: true, cause: options.cause });
    this.name = "NumeraiTimeoutError";
    this.timeoutMs = timeoutMs;
  }
}

/** Connection refused/reset and similar transport failures. */
export class NumeraiNetworkError extends NumeraiError {
  readonly code: string | undefined;
  constructor(operation: string, code: string | undefined, options: { cause?: unknown } = {}) {
    super(`network error calling Numerai API (${operation})${code ? `: ${code}` : ""}`, { retryable: true, cause: options.cause });
    this.name = "NumeraiNetworkError";
    this.code = code;
  }
}

/**
 * A 2xx body that is not JSON, or JSON not shaped as expected (`path` names the bad field, e.g.
 * `data.v2RoundModelPerformances[0].roundNumber`). Retryable: the server is known to glitch
 * "while the API scores are getting updated"; if it persists, the last attempt's error surfaces.
 */
export class NumeraiResponseError extends NumeraiError {
  readonly path: string;
  constructor(operation: string, path: string, problem: string, options: { cause?: unknown } = {}) {
    super(`malformed Numerai API response to ${operation}${path ? ` at ${path}` : ""}: ${problem}`, { retryable: true, cause: options.cause });
    this.name = "NumeraiResponseError";
    this.path = path;
  }
}

/** The client was closed; nothing more is sent. */
export class NumeraiClosedError extends NumeraiError {
  constructor() {
    super("the Numerai client is closed", { retryable: false });
    this.name = "NumeraiClosedError";
  }
}
