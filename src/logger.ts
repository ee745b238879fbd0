import { pino, type Logger as PinoLogger, type DestinationStream } from "pino";
import pinoPretty from "pino-pretty";

export type Logger = PinoLogger;

/**
 * Paths redacted from every log line. Secrets come only from the environment and must never be
 * logged, even when a whole config or request object is passed as a field.
 */
export const REDACT_PATHS = [
  "config.discordToken",
  "config.numeraiSecretKey",
  "config.discourseApiKey",
  "discourseApiKey",
  "apiKey",
  "*.apiKey",
  "headers[\"api-key\"]",
  "discordToken",
  "numeraiSecretKey",
  "token",
  "secret",
  "headers.authorization",
  "headers.Authorization",
  "*.authorization",
  "*.Authorization",
];

/**
 * A terminal reader wants one short line per event, not JSON: time, level, message, then the
 * fields. Synchronous like the JSON destination, so lines stay in order with the CLI's own output.
 */
function prettyStream(destination: DestinationStream | NodeJS.WritableStream | number): DestinationStream {
  return pinoPretty({
    sync: true,
    destination,
    colorize: destination === 2 && process.stderr.isTTY === true,
    translateTime: "SYS:HH:MM:ss",
    // "numerai: request failed …": the module leads the message instead of trailing in the fields.
    messageFormat: "{if module}{module}: {end}{msg}",
    ignore: "pid,hostname,app,module",
    singleLine: true,
    // Only a real error object gets its own (multi-line) block; a field named `error` stays inline.
    errorLikeObjectKeys: ["err"],
  });
}

/**
 * Root pino logger; modules take `logger.child({ module })` once, where the module is made.
 * To stderr, written synchronously: a fatal line must be out before the one-line message that
 * follows it and the exit (an async destination's flush callback raced that, and the order came
 * out wrong). JSON lines for machines (a pipe, a file, a log collector); readable lines when
 * stderr is a terminal, or when `pretty` says so.
 */
export function createLogger(level = "info", destination?: DestinationStream, options: { pretty?: boolean } = {}): Logger {
  const pretty = options.pretty ?? (destination === undefined && process.stderr.isTTY === true);
  const stream = pretty ? prettyStream(destination ?? 2) : (destination ?? pino.destination({ dest: 2, sync: true }));
  return pino({ level, base: { app: "modelfolio" }, redact: { paths: REDACT_PATHS, censor: "[redacted]" } }, stream);
}

/** A logger for tests and library defaults: only errors, to stderr. */
export const silentLogger: Logger = pino({ level: "silent" });
