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
