/**
 * The alert kinds: the one list the /alerts choices, the alert service and the schema's enum
 * (src/db/schema.ts) derive from. No imports, so the schema can read it too.
 *
 * Each kind's threshold is what a subscription compares against, with its default and the range
 * accepted; `rounds` says whether the kind looks at a window of the last N resolved rounds.
 */
export const ALERT_KINDS = {
  "near-duplicate": {
    label: "new near-duplicate pair",
    description: "two of your models correlate at ρ ≥ threshold over the last N resolved rounds",
    threshold: { what: "correlation ρ", default: 0.9, min: 0.5, max: 0.999, integer: false },
    rounds: true,
  },
  drawdown: {
    label: "drawdown past a threshold",
    description: "a model's maximum drawdown over the last N resolved rounds reaches the threshold (cumulative score units)",
    threshold: { what: "drawdown", default: 0.1, min: 0.001, max: 10, integer: false },
    rounds: true,
  },
  "bets-drop": {
    label: "effective bets drop",
    description: "your portfolio's effective number of bets fell by more than the threshold since the previous check",
    threshold: { what: "drop in effective bets", default: 0.5, min: 0.01, max: 100, integer: false },
    rounds: true,
  },
  "missed-rounds": {
    label: "model stopped receiving scores",
    description: "a model has no score for the threshold's number of newest rounds that other models were scored in",
    threshold: { what: "missed rounds", default: 3, min: 1, max: 50, integer: true },
    rounds: false,
  },
} as const;

export type AlertKind = keyof typeof ALERT_KINDS;

/** The kinds in their declared order, as the non-empty tuple drizzle's enum columns want. */
export const ALERT_KIND_NAMES = Object.keys(ALERT_KINDS) as [AlertKind, ...AlertKind[]];

/** The window (last N resolved rounds) a kind with `rounds` uses when none is given, and its range. */
export const ALERT_ROUNDS = { default: 60, min: 20, max: 500 } as const;
