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
import { UserFacingError } from "../errors.js";
import { ALLOCATION_METHOD_CHOICES } from "../services/portfolio.js";

/** Commands whose replies carry explore components. */
export const EXPLORE_COMMANDS = ["correlation", "contribution", "performance", "allocate", "prune", "history"] as const;
export type ExploreCommand = (typeof EXPLORE_COMMANDS)[number];

/** Scores a press can switch to. */
export const EXPLORE_SCORES = ["score", "canon_corr", "canon_mmc", "payout"] as const;

/** /allocate methods a press can switch to: the command's own choices ("all", then each method), so both list the same. */
export const EXPLORE_METHODS: readonly string[] = ALLOCATION_METHOD_CHOICES.map((c) => c.value);

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
  const m = index(method, EXPLORE_METHODS.length);
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

/** When a view made `now` counts as issued: whole seconds, as its custom_id carries it. */
const issuedAtOf = (now: Date): number => Math.floor(now.getTime() / 1000) * 1000;

/** Whether a view is past its life on the server's clock (expiry wins over ownership: nobody can use it). */
export const isExpired = (state: ViewState, now: Date): boolean => now.getTime() - state.issuedAt >= VIEW_LIFETIME_MS;

/** Why a press must be refused (checked on the server on every press), or null when it may proceed. */
export function refusalFor(state: ViewState, pressedBy: string, now: Date): string | null {
  if (isExpired(state, now)) return expiredSentence(state.command);
  if (pressedBy !== state.ownerId) return notYoursSentence(state.command);
  return null;
}

/**
 * The view a fresh reply starts in, or null when the reply was asked for with options a view
 * cannot carry (a score or round count the buttons do not offer): such a reply carries no
 * components rather than buttons that would silently drop what was asked.
 */
export function initialView(
  command: ExploreCommand,
  ownerId: string,
  asked: { readonly score?: string | undefined; readonly lastRounds?: number | undefined; readonly method?: string | undefined },
  now: Date,
): ViewState | null {
  const score = EXPLORE_SCORES.indexOf((asked.score ?? "score").trim().toLowerCase() as (typeof EXPLORE_SCORES)[number]);
  const window = EXPLORE_WINDOWS.indexOf((asked.lastRounds ?? null) as (typeof EXPLORE_WINDOWS)[number]);
  const method = EXPLORE_METHODS.indexOf((asked.method ?? EXPLORE_METHODS[0] ?? "all").trim().toLowerCase());
  if (score < 0 || window < 0 || method < 0 || !SNOWFLAKE.test(ownerId)) return null;
  return { command, ownerId, score, method, window, page: 0, issuedAt: issuedAtOf(now) };
}

/** The analysis options a view stands for (what the service is called with). */
export function viewAnalysis(state: ViewState): { score: string; lastRounds: number | undefined } {
  return { score: EXPLORE_SCORES[state.score] as string, lastRounds: EXPLORE_WINDOWS[state.window] ?? undefined };
}

/** The /allocate method a view stands for ("all" or one method's name). */
export const viewMethod = (state: ViewState): string => EXPLORE_METHODS[state.method] as string;

/**
 * Component actions: `w<i>` window i, `s` score menu, `m` method menu, `n` / `p` next / previous
 * page, `pg` the (disabled) page label, `use` / `ok` / `no` "Use these weights", Confirm, Cancel.
 */
export const VIEW_ACTIONS = { window: "w", score: "s", method: "m", next: "n", previous: "p", pageLabel: "pg", use: "use", confirm: "ok", cancel: "no" } as const;

const pickIndex = (values: readonly string[], of: readonly (string | number | null)[], what: string): number => {
  const i = of.findIndex((v) => String(v) === values[0]);
  if (values.length !== 1 || i < 0) throw new UserFacingError(`That ${what} is not one this view offers — pick one from the menu.`);
  return i;
};

/**
 * The view after a press: the new window, score, method or page, re-issued now (every edit comes
 * from a fresh interaction, so the new components live another 15 minutes). Select values are
 * untrusted too: anything not offered is refused. Other actions (use / ok / no) keep the view.
 * @throws UserFacingError for a window or value this view does not offer
 */
export function applyPress(state: ViewState, action: string, values: readonly string[], now: Date): ViewState {
  const issuedAt = issuedAtOf(now);
  const w = /^w(\d)$/.exec(action);
  if (w) {
    const window = Number(w[1]);
    if (window >= EXPLORE_WINDOWS.length) throw new UserFacingError("That window is not one this view offers.");
    return { ...state, window, page: 0, issuedAt };
  }
  switch (action) {
    case VIEW_ACTIONS.score:
      return { ...state, score: pickIndex(values, EXPLORE_SCORES, "score"), page: 0, issuedAt };
    case VIEW_ACTIONS.method:
      return { ...state, method: pickIndex(values, EXPLORE_METHODS, "method"), page: 0, issuedAt };
    case VIEW_ACTIONS.next:
      return { ...state, page: Math.min(state.page + 1, MAX_PAGE), issuedAt };
    case VIEW_ACTIONS.previous:
      return { ...state, page: Math.max(0, state.page - 1), issuedAt };
    default:
      return { ...state, issuedAt };
  }
}

/** The largest page a custom_id can carry (four digits). */
export const MAX_PAGE = 9999;
