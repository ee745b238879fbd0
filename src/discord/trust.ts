/**
 * Who may run which privileged subcommand, in one table. The handlers derive their checks from
 * it (`requireTrust`), the README's Reliability/security section mirrors it, and a test keeps
 * the table and the /admin subcommands in step.
 *
 * - `bot-admin`: the action reads or changes data every guild shares (the score store, the
 *   database file), so it needs ADMIN_USER_IDS. Manage Server in some guild is not enough: anyone
 *   can create a guild and hold Manage Server there.
 * - `server-manager`: the action changes settings of one guild only; Manage Server in that guild.
 */
import type { Caller } from "./command.js";
import { UserFacingError } from "../errors.js";

export type Trust = "bot-admin" | "server-manager";

export const REQUIRED_TRUST = {
  "admin backfill": "bot-admin",
  "admin sync": "bot-admin",
  "admin import": "bot-admin",
  "admin backup": "bot-admin",
  "admin status": "bot-admin",
} as const satisfies Record<string, Trust>;

export type TrustedAction = keyof typeof REQUIRED_TRUST;

export function hasTrust(caller: Caller, trust: Trust): boolean {
  if (trust === "bot-admin") return caller.isGlobalAdmin;
  return caller.guildId !== null && caller.isAdmin;
}

/** The trust an action needs; unknown actions need the most (a subcommand missing from the table is refused). */
export function requiredTrust(action: string): Trust {
  return (REQUIRED_TRUST as Record<string, Trust | undefined>)[action] ?? "bot-admin";
}

const REFUSAL: Record<Trust, string> = {
  "bot-admin": "only the bot's admins (ADMIN_USER_IDS) can run it: it concerns data every server shares",
  "server-manager": "it needs the Manage Server permission in this server",
};

/** @throws UserFacingError naming the action and why, when the caller lacks the trust it needs */
export function requireTrust(caller: Caller, action: string): void {
  const trust = requiredTrust(action);
  // Only a name from the table is echoed: an unknown subcommand is whatever the client sent.
  const label = Object.hasOwn(REQUIRED_TRUST, action) ? `/${action}` : "That command";
  if (!hasTrust(caller, trust)) throw new UserFacingError(`${label} is refused: ${REFUSAL[trust]}.`);
}
