/**
 * Numerai Classic's payout rules by period (shared/numerai-api.md §4), used when a round's own
 * multipliers or payout factor are missing. The per-round values from the API always win.
 *
 *   score  = corr × corrMultiplier + mmc × mmcMultiplier        (that round's multipliers)
 *   payout = clip(payoutFactor × score, −clip, +clip)            (per unit of stake)
 *
 * Periods (round numbers from the round ↔ date formula of §4):
 *   ≤ 474   weekly-era payouts, user-chosen multipliers (CORR with MMC or TC): assumed 1×corr, clip ±0.25
 *   475–649 daily payouts from 2023-05-01, user-chosen multipliers: assumed 1×corr, clip ±0.05
 *   650–1174 rounds from 2024-01-02: 0.5×corr + 2×mmc, clip ±0.05 (numerai/docs staking.md@0ef33d6)
 *   1175–1342 from 2026-01-06: 0.75×corr + 2.25×mmc, clip ±0.05 [unconfirmed, third-party]
 *   ≥ 1343  v3 atomic staking: 3×corr60 + 15×mmc60, payout factor 1, no clip [unconfirmed]
 */
export interface PayoutRule {
  readonly fromRound: number;
  readonly corrMultiplier: number;
  readonly mmcMultiplier: number;
  /** Which score names feed corr and mmc in this period, in order of preference. */
  readonly corrNames: readonly string[];
  readonly mmcNames: readonly string[];
  /** Absolute clip of payoutFactor × score; Infinity when there is none. */
  readonly clip: number;
  /** Payout factor to assume when the round has none (null: the payout is not defined without it). */
  readonly defaultPayoutFactor: number | null;
  readonly note: string;
}

const CORR20 = ["canon_corr", "v2_corr20"] as const;
const MMC20 = ["canon_mmc", "mmc"] as const;

export const PAYOUT_RULES: readonly PayoutRule[] = [
  { fromRound: 1, corrMultiplier: 1, mmcMultiplier: 0, corrNames: CORR20, mmcNames: MMC20, clip: 0.25, defaultPayoutFactor: null,
    note: "before daily payouts (2023-05): user-chosen multipliers; 1×corr assumed, clip ±25%" },
  { fromRound: 475, corrMultiplier: 1, mmcMultiplier: 0, corrNames: CORR20, mmcNames: MMC20, clip: 0.05, defaultPayoutFactor: null,
    note: "2023-05 to 2023-12: user-chosen multipliers; 1×corr assumed, clip ±5%" },
  { fromRound: 650, corrMultiplier: 0.5, mmcMultiplier: 2, corrNames: CORR20, mmcNames: MMC20, clip: 0.05, defaultPayoutFactor: null,
    note: "from 2024-01-02: 0.5×corr + 2×mmc, clip ±5%" },
  { fromRound: 1175, corrMultiplier: 0.75, mmcMultiplier: 2.25, corrNames: CORR20, mmcNames: MMC20, clip: 0.05, defaultPayoutFactor: null,
    note: "from 2026-01-06: 0.75×corr + 2.25×mmc, clip ±5% (unconfirmed)" },
  { fromRound: 1343, corrMultiplier: 3, mmcMultiplier: 15, corrNames: ["canon_corr60", "corr60"], mmcNames: ["canon_mmc60", "mmc60"],
    clip: Infinity, defaultPayoutFactor: 1, note: "v3 staking from 2026-08-28: 3×corr60 + 15×mmc60, no clip (unconfirmed)" },
];

/**
 * The rule in force for a round.
 * @throws "payoutRuleFor requires a positive whole round number"
 * @example payoutRuleFor(1196).mmcMultiplier // => 2.25
 */
export function payoutRuleFor(roundNumber: number): PayoutRule {
  if (!Number.isInteger(roundNumber) || roundNumber < 1) throw new Error("payoutRuleFor requires a positive whole round number");
  let rule = PAYOUT_RULES[0] as PayoutRule;
  for (const r of PAYOUT_RULES) if (roundNumber >= r.fromRound) rule = r;
  return rule;
}

/**
 * corr × corrMultiplier + mmc × mmcMultiplier. NaN when a needed part is missing (a zero
 * multiplier makes its part unnecessary).
 * @example combinedScore(0.00939426198986663, -0.00945800236111822, 0.75, 2.25) // => -0.014235…
 */
export function combinedScore(corr: number, mmc: number, corrMultiplier: number, mmcMultiplier: number): number {
  const c = corrMultiplier === 0 ? 0 : corr * corrMultiplier;
  const m = mmcMultiplier === 0 ? 0 : mmc * mmcMultiplier;
  return c + m;
}

/**
 * clip(payoutFactor × score, ±clip), per unit of stake.
 * @example clippedPayout(-0.014235, 0.0918742, 0.05) // => -0.0013078…
 */
export function clippedPayout(score: number, payoutFactor: number, clip: number): number {
  const raw = payoutFactor * score;
  return Math.max(-clip, Math.min(clip, raw));
}

/** One round's `score`, with what it took to compute it. */
export interface RoundScore {
  readonly rule: PayoutRule;
  /** The round lacked a stated multiplier, so its period's multipliers were used. */
  readonly fallbackMultipliers: boolean;
  /** NaN when a needed corr or mmc score is missing. */
  readonly value: number;
}

/**
 * The `score` of one round: corr × corrMultiplier + mmc × mmcMultiplier with the round's stated
 * multipliers, or its period's when either is missing; corr and mmc are the first of the period's
 * score names that `valueOf` has (a part with multiplier 0 is not needed).
 * @example roundScore(1196, { corr: 0.75, mmc: 2.25 }, (n) => ({ canon_corr: 0.01, canon_mmc: 0.002 })[n]).value // => 0.012
 */
/** The value of the first of `names` that has one (a module function: roundScore runs once per stored round). */
function firstStated(names: readonly string[], valueOf: (scoreName: string) => number | undefined): number | undefined {
  for (const name of names) {
    const v = valueOf(name);
    if (v !== undefined) return v;
  }
  return undefined;
}

export function roundScore(
  round: number,
  stated: { readonly corr: number | null; readonly mmc: number | null } | null,
  valueOf: (scoreName: string) => number | undefined,
): RoundScore {
  const rule = payoutRuleFor(round);
  let cm = stated?.corr ?? null;
  let mm = stated?.mmc ?? null;
  const fallbackMultipliers = cm === null || mm === null;
  if (cm === null || mm === null) {
    cm = rule.corrMultiplier;
    mm = rule.mmcMultiplier;
  }
  const corr = cm === 0 ? 0 : firstStated(rule.corrNames, valueOf);
  const mmc = mm === 0 ? 0 : firstStated(rule.mmcNames, valueOf);
  const value = corr === undefined || mmc === undefined ? NaN : combinedScore(corr, mmc, cm, mm);
  return { rule, fallbackMultipliers, value };
}
