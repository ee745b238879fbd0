/**
 * "Explore in place" (issue 14): the components analysis replies carry — window buttons, a score
 * menu, /allocate's method menu and "Use these weights", Previous / Next for long tables — built
 * from the one list of each in view-state.ts, marking the view's current choice. Plain API data,
 * like the rest of a MessagePayload; every custom_id carries the whole view (encodeView), so a
 * press needs nothing stored.
 */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIComponentInMessageActionRow } from "discord.js";
import { ALLOCATION_METHOD_CHOICES } from "../../services/portfolio.js";
import { EXPLORE_SCORES, EXPLORE_WINDOWS, MAX_PAGE, VIEW_ACTIONS, encodeView, viewMethod, type ViewState } from "../view-state.js";

export type ActionRow = APIActionRowComponent<APIComponentInMessageActionRow>;

/**
 * What a renderer gets besides the service's result when the reply goes to Discord: the view its
 * components stand for (null: the reply was asked for with options no view carries, so it gets
 * links but no components). Absent in the shell, whose output stays text only.
 */
export interface DiscordExtras {
  readonly discord?: { readonly view: ViewState | null } | undefined;
}

/** Rows of a long table shown per page (Previous / Next), the same for every paged reply. */
export const TABLE_PAGE_SIZE = 15;

/** The rows of `page` (clamped to the last page), and where they sit in the whole. */
export function pageOf<T>(rows: readonly T[], page: number): { rows: T[]; page: number; pages: number; first: number } {
  const pages = Math.max(1, Math.ceil(rows.length / TABLE_PAGE_SIZE));
  const p = Math.min(Math.max(0, Math.floor(page)), pages - 1, MAX_PAGE);
  return { rows: rows.slice(p * TABLE_PAGE_SIZE, (p + 1) * TABLE_PAGE_SIZE), page: p, pages, first: p * TABLE_PAGE_SIZE };
}

/** "last 20" … "all resolved", the label of a window. */
export const windowLabel = (w: (typeof EXPLORE_WINDOWS)[number]): string => (w === null ? "all resolved" : `last ${w}`);

/** Window buttons: the current one highlighted and disabled (pressing it would change nothing). */
export function windowRow(state: ViewState): ActionRow {
  return {
    type: ComponentType.ActionRow,
    components: EXPLORE_WINDOWS.map((w, i) => ({
      type: ComponentType.Button,
      style: i === state.window ? ButtonStyle.Primary : ButtonStyle.Secondary,
      label: windowLabel(w),
      custom_id: encodeView(state, `${VIEW_ACTIONS.window}${i}`),
      disabled: i === state.window,
    })),
  };
}

/** A select menu over `choices`, the `current` one shown as chosen. */
function selectRow(state: ViewState, action: string, choices: ReadonlyArray<{ label: string; value: string }>, current: number, placeholder: string): ActionRow {
  return {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.StringSelect,
        custom_id: encodeView(state, action),
        placeholder,
        options: choices.slice(0, 25).map((c, i) => ({ label: c.label, value: c.value, default: i === current })),
      },
    ],
  };
}

export const scoreRow = (state: ViewState): ActionRow =>
  selectRow(
    state,
    VIEW_ACTIONS.score,
    EXPLORE_SCORES.map((s) => ({ label: `score: ${s}`, value: s })),
    state.score,
    "Score",
  );

export const methodRow = (state: ViewState): ActionRow =>
  selectRow(
    state,
    VIEW_ACTIONS.method,
    ALLOCATION_METHOD_CHOICES.map((c) => ({ label: `method: ${c.name}`, value: c.value })),
    state.method,
    "Method",
  );

/** Previous · page i of n · Next, the ends disabled where there is nothing to go to. */
export function pageRow(state: ViewState, page: number, pages: number): ActionRow {
  const at = { ...state, page };
  return {
    type: ComponentType.ActionRow,
    components: [
      { type: ComponentType.Button, style: ButtonStyle.Secondary, label: "Previous", custom_id: encodeView(at, VIEW_ACTIONS.previous), disabled: page === 0 },
      { type: ComponentType.Button, style: ButtonStyle.Secondary, label: `page ${page + 1} of ${pages}`, custom_id: encodeView(at, VIEW_ACTIONS.pageLabel), disabled: true },
      { type: ComponentType.Button, style: ButtonStyle.Secondary, label: "Next", custom_id: encodeView(at, VIEW_ACTIONS.next), disabled: page >= pages - 1 },
    ],
  };
}

type ActionStyle = ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger;

function buttonRow(state: ViewState, buttons: ReadonlyArray<{ action: string; label: string; style?: ActionStyle }>): ActionRow {
  return {
    type: ComponentType.ActionRow,
    components: buttons.map((b) => ({ type: ComponentType.Button, style: b.style ?? ButtonStyle.Secondary, label: b.label, custom_id: encodeView(state, b.action) })),
  };
}

/**
 * The rows of an analysis reply: window, score, then (when given) the page row. A null view
 * (options no view carries) gets none. At most 3 rows here, so /allocate's two more stay within 5.
 */
export function exploreRows(state: ViewState | null, paging?: { page: number; pages: number }): ActionRow[] {
  if (!state) return [];
  const rows = [windowRow(state), scoreRow(state)];
  if (paging && paging.pages > 1) rows.push(pageRow(state, paging.page, paging.pages));
  return rows;
}

/** /allocate's rows: window, score, the method menu, and "Use these weights" once one method is chosen. */
export function allocateRows(state: ViewState | null): ActionRow[] {
  if (!state) return [];
  const rows = [...exploreRows(state), methodRow(state)];
  if (viewMethod(state) !== "all") rows.push(buttonRow(state, [{ action: VIEW_ACTIONS.use, label: "Use these weights", style: ButtonStyle.Primary }]));
  return rows;
}

/** Confirm / Cancel under the "Use these weights?" question. */
export const confirmRows = (state: ViewState): ActionRow[] => [
  buttonRow(state, [
    { action: VIEW_ACTIONS.confirm, label: "Confirm", style: ButtonStyle.Success },
    { action: VIEW_ACTIONS.cancel, label: "Cancel" },
  ]),
];
