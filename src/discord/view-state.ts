/**
 * State of an "explore in place" view (issue 14), carried in each component's custom_id so a
 * restart loses nothing: no table to keep, clean up or migrate, and the press itself says what to
 * show. The custom_id is untrusted input: it is parsed strictly here and the owner / expiry are
 * checked against the pressing user and the server's clock on every press (never the message).
 *
 * Encoding (≤ 100 chars, Discord's custom_id limit):
 *   `x1.<command>.<owner>.<score>.<method>.<window>.<page>.<issued>.<action>`
 * where score/method/window are indices into the constants below, issued is epoch seconds in
 * base 36, and action names what the press does (e.g. `s1` = switch to score 1, `n` = next page).
 */
import { ALLOCATION_METHODS } from "../analytics/allocation.js";

/** Commands whose replies carry explore components. */
export const EXPLORE_COMMANDS = ["correlation", "contribution", "performance", "allocate", "prune", "history"] as const;
export type ExploreCommand = (typeof EXPLORE_COMMANDS)[number];

/** Scores a press can switch to. */
export const EXPLORE_SCORES = ["score", "canon_corr", "canon_mmc", "payout"] as const;

/** Windows a press can switch to: the last N resolved rounds, or null for all of them. */
export const EXPLORE_WINDOWS = [20, 60, 120, null] as const;

/** Discord's interaction token lives 15 minutes; after that the view cannot be edited. */
export const VIEW_LIFETIME_MS = 15 * 60 * 1000;

const PREFIX = "x1";
const MAX_CUSTOM_ID = 100;
const SNOWFLAKE = /^\d{1,20}$/;
const ACTION = /^[a-z][a-z0-9]{0,7}$/;

export interface ViewState {
  readonly command: ExploreCommand;
  readonly ownerId: string;
  readonly score: number;
  readonly method: number;
  readonly window: number;
  readonly page: number;
  /** When the view was issued (ms since epoch, whole seconds). */
  readonly issuedAt: number;
}

export function encodeView(state: ViewState, action: string): string {
  if (!ACTION.test(action)) throw new Error(`bad view action ${action}`);
  if (!SNOWFLAKE.test(state.ownerId)) throw new Error("bad owner id");
  const id = [
    PREFIX,
    EXPLORE_COMMANDS.indexOf(state.command),
    state.ownerId,
    state.score,
    state.method,
    state.window,
    state.page,
    Math.floor(state.issuedAt / 1000).toString(36),
    action,
  ].join(".");
  if (id.length > MAX_CUSTOM_ID) throw new Error("custom_id too long");
  return id;
}

const index = (text: string, size: number): number | null => {
  if (!/^\d{1,3}$/.test(text)) return null;
  const n = Number(text);
  return n < size ? n : null;
};

/** The state and action in a custom_id, or null when it is not one of ours or is malformed. */
export function decodeView(customId: string): { state: ViewState; action: string } | null {
  if (customId.length > MAX_CUSTOM_ID) return null;
  const parts = customId.split(".");
  if (parts.length !== 9 || parts[0] !== PREFIX) return null;
  const [, cmd, ownerId, score, method, window, page, issued, action] = parts as [string, string, string, string, string, string, string, string, string];
  const c = index(cmd, EXPLORE_COMMANDS.length);
  const s = index(score, EXPLORE_SCORES.length);
  const m = index(method, ALLOCATION_METHODS.length);
  const w = index(window, EXPLORE_WINDOWS.length);
  const p = /^\d{1,4}$/.test(page) ? Number(page) : null;
  const t = /^[0-9a-z]{1,8}$/.test(issued) ? parseInt(issued, 36) * 1000 : null;
  if (c === null || s === null || m === null || w === null || p === null || t === null) return null;
  if (!SNOWFLAKE.test(ownerId) || !ACTION.test(action)) return null;
  return { state: { command: EXPLORE_COMMANDS[c]!, ownerId, score: s, method: m, window: w, page: p, issuedAt: t }, action };
}

/** The sentence for a press after the interaction token's life. */
export const expiredSentence = (command: ExploreCommand): string => `This view has expired — run /${command} again.`;

export const notYoursSentence = (command: ExploreCommand): string =>
  `Only the person who ran this /${command} can use its buttons — run /${command} yourself to explore.`;

/** Why a press must be refused (checked on the server on every press), or null when it may proceed. */
export function refusalFor(state: ViewState, pressedBy: string, now: Date): string | null {
  if (now.getTime() - state.issuedAt >= VIEW_LIFETIME_MS) return expiredSentence(state.command);
  if (pressedBy !== state.ownerId) return notYoursSentence(state.command);
  return null;
}
