import { pino, type Logger as PinoLogger, type DestinationStream } from "pino";

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
 * Root pino logger; modules take `logger.child({ module })`. JSON lines to stderr by default,
 * written synchronously: a fatal line must be out before the one-line message that follows it
 * and the exit (an async destination's flush callback raced that, and the order came out wrong).
 */
export function createLogger(level = "info", destination?: DestinationStream): Logger {
  return pino(
    { level, base: { app: "modelfolio" }, redact: { paths: REDACT_PATHS, censor: "[redacted]" } },
    destination ?? pino.destination({ dest: 2, sync: true }),
  );
}

/** A logger for tests and library defaults: only errors, to stderr. */
export const silentLogger: Logger = pino({ level: "silent" });
