/**
 * An error whose message is written for the person who asked: it is shown to them as is
 * (ephemeral in Discord, one line on the CLI) and means "nothing was changed".
 * Anything else is a fault: the user sees a short apology with an error id, the log gets the stack.
 */
export class UserFacingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "UserFacingError";
  }
}

/** The same job is already running in this process; the caller should wait, not start another. */
export class AlreadyRunningError extends UserFacingError {
  constructor(what: string) {
    super(`${what} is already running; try again when it has finished.`);
    this.name = "AlreadyRunningError";
  }
}

export const isUserFacing = (e: unknown): e is UserFacingError => e instanceof UserFacingError;

/**
 * Exit codes of the CLI and the entry points, documented in the README ("The shell and the CLI"):
 * a script tells "fix your input" from "fix your setup" from "try again later" by the code alone.
 */
export const EXIT_CODE = {
  ok: 0,
  /** The request was refused: a bad value, an unknown model, a bad CSV line. Nothing changed. */
  badInput: 1,
  /** The command line or the configuration is wrong. */
  usage: 2,
  /** Something failed that the input did not cause: Numerai unreachable or failing, the database, a bug. */
  fault: 3,
} as const;
