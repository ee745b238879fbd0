/**
 * The weekly digest as data: when it is due (schedule math in the subscriber's timezone), what it
 * says (`buildWeeklyDigest`, pure), and a loader that reads every subscriber's series for a whole
 * dispatch run in a few batched queries. Rendering and posting live in src/discord and src/jobs.
 */
import { participationRatio } from "../analytics/effective-bets.js";
import { hedgeValues, type HedgeValue } from "../analytics/hedge.js";
import { PAYOUT_RULES, roundScore } from "../analytics/payout-rules.js";
import { leaveOneOutSharpe, normalizeWeights, sampleMoments } from "../analytics/portfolio.js";
import { sharpe } from "../analytics/sharpe.js";
import { walkForward } from "../analytics/walk-forward.js";
import { DEFAULT_CAP, DEFAULT_FLOOR, type AllocationMethod } from "../analytics/allocation.js";
import type { DigestRepository } from "../db/repositories/digests.js";
import type { UserSettingsRepository } from "../db/repositories/models.js";
import { UserFacingError } from "../errors.js";
import type { PortfolioService, WeightSource } from "./portfolio.js";
import { NEAR_DUPLICATE_RHO, weightSourceOf } from "./portfolio.js";
import { resolvePortfolioWeights } from "../analytics/weights.js";

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

// ---------------------------------------------------------------------------- schedule

export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
export type WeekdayName = (typeof WEEKDAYS)[number];

/** When a subscription's digest goes out: ISO weekday (1 = Monday) and hour in an IANA timezone. */
export interface DigestSchedule {
  readonly weekday: number;
  readonly hour: number;
  readonly timezone: string;
}

export const DEFAULT_SCHEDULE: DigestSchedule = { weekday: 1, hour: 13, timezone: "UTC" };

/**
 * The canonical IANA name for `name` (e.g. "europe/paris" → "Europe/Paris"), or null when the
 * runtime's time zone database does not know it.
 */
export function canonicalTimeZone(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === "" || trimmed.length > 64) return null;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** Wall-clock time at instant `ms` in `timeZone`. */
export function localTime(ms: number, timeZone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year as number,
    month: parts.month as number,
    day: parts.day as number,
    hour: (parts.hour as number) % 24,
    minute: parts.minute as number,
    second: parts.second as number,
  };
}

/** UTC offset of `timeZone` at instant `ms`, in ms (local − UTC). */
function offsetAt(ms: number, timeZone: string): number {
  const t = localTime(ms, timeZone);
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant when the wall clock in `timeZone` shows `hour`:00 on the given date. A time the
 * clocks skip (spring forward) maps to the first instant after the gap; a repeated time (fall
 * back) to its first occurrence.
 */
export function zonedInstant(year: number, month: number, day: number, hour: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, hour);
  // Two passes settle the offset on either side of a transition.
  let guess = wall - offsetAt(wall, timeZone);
  guess = wall - offsetAt(guess, timeZone);
  const back = localTime(guess, timeZone);
  if (back.hour !== hour || back.day !== day) {
    // In a gap: the earlier offset gives an instant past it.
    const before = wall - offsetAt(wall - DAY_MS, timeZone);
    const after = wall - offsetAt(wall + DAY_MS, timeZone);
    return Math.max(before, after);
  }
  // Fall back: an hour earlier may show the same wall time (its first occurrence).
  const earlier = guess - 3_600_000;
  const e = localTime(earlier, timeZone);
  return e.hour === hour && e.day === day ? earlier : guess;
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a calendar date. */
function isoWeekday(year: number, month: number, day: number): number {
  const d = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return d === 0 ? 7 : d;
}

function addDays(year: number, month: number, day: number, days: number): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(year, month - 1, day) + days * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

const isoDate = (d: { year: number; month: number; day: number }) =>
  `${String(d.year).padStart(4, "0")}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;

/** One scheduled digest: when it is due, and its week key (the local date of that time). */
export interface Occurrence {
  readonly at: Date;
  /** YYYY-MM-DD in the subscriber's timezone: the ledger's week key and the thread title's date. */
  readonly week: string;
}

function occurrenceOn(date: { year: number; month: number; day: number }, s: DigestSchedule): Occurrence {
  return { at: new Date(zonedInstant(date.year, date.month, date.day, s.hour, s.timezone)), week: isoDate(date) };
}

/** The latest scheduled time at or before `now`. */
export function latestOccurrence(now: Date, s: DigestSchedule): Occurrence {
  const local = localTime(now.getTime(), s.timezone);
  const back = (isoWeekday(local.year, local.month, local.day) - s.weekday + 7) % 7;
  let date = addDays(local.year, local.month, local.day, -back);
  let occ = occurrenceOn(date, s);
  if (occ.at.getTime() > now.getTime()) {
    date = addDays(date.year, date.month, date.day, -7);
    occ = occurrenceOn(date, s);
  }
  return occ;
}

/** The scheduled time one week before `occ`. */
export function previousOccurrence(occ: Occurrence, s: DigestSchedule): Occurrence {
  const [y, m, d] = occ.week.split("-").map(Number) as [number, number, number];
  return occurrenceOn(addDays(y, m, d, -7), s);
}

/** The first scheduled time strictly after `now`. */
export function nextOccurrence(now: Date, s: DigestSchedule): Occurrence {
  const latest = latestOccurrence(now, s);
  const [y, m, d] = latest.week.split("-").map(Number) as [number, number, number];
  return occurrenceOn(addDays(y, m, d, 7), s);
}

/**
 * The Discord message nonce of one ledger row (≤ 25 characters, as Discord requires): the
 * subscription id in base 36 and the week's date, e.g. `dg2s-20261116`.
 */
export function digestNonce(subscriptionId: number, week: string): string {
  return `dg${subscriptionId.toString(36)}-${week.replace(/-/g, "")}`;
}

/** The title of a forum digest thread. */
export function digestThreadTitle(week: string): string {
  return `Diversification digest — week of ${week}`;
}

// ---------------------------------------------------------------------------- the digest as data

export interface DigestModelInput {
  readonly name: string;
  /** Resolved per-round scores (the combined score), rounds ascending. */
  readonly series: { readonly rounds: ArrayLike<number>; readonly values: ArrayLike<number> };
}

export interface DigestOptions {
  /** Rounds in each correlation window (the last N shared, resolved rounds). Default 60. */
  readonly windowRounds?: number;
  /** Fewest rounds a window or the contribution needs. Default 20. */
  readonly minRounds?: number;
  /** A pair at or above this correlation is a near-duplicate. Default NEAR_DUPLICATE_RHO (0.9). */
  readonly nearDuplicateRho?: number;
  /** Methods the suggestion may propose. Default: the ones that do not bet on estimated means. */
  readonly suggestionMethods?: readonly AllocationMethod[];
  /** How much higher (per-round Sharpe, out of sample) a method must be than the current weights. Default 0.05. */
  readonly suggestionMargin?: number;
  /** Out-of-sample rounds needed before anything is suggested. Default 60. */
  readonly suggestionMinOosRounds?: number;
}

export interface DigestInput {
  readonly models: readonly DigestModelInput[];
  /** One weight per model (need not be normalised). */
  readonly weights: ArrayLike<number>;
  readonly weightSource: WeightSource;
  /** Resolve time (ms) by round; a round without one counts as resolved long ago (imports). */
  readonly resolveTimes: ReadonlyMap<number, number>;
  /** The scheduled time of this digest; the week is the 7 days before it. */
  readonly periodEnd: Date;
  readonly options?: DigestOptions;
}

/** A week's mean against the same-sized blocks of earlier rounds. */
export interface VersusHistory {
  /** Mean per round over the week's rounds. */
  readonly weekMean: number;
  readonly weekSum: number;
  readonly weekRounds: number;
  /** Mean of the earlier blocks' means (= the earlier per-round mean over those blocks). */
  readonly historyMean: number;
  /** Earlier non-overlapping blocks of `weekRounds` rounds. */
  readonly historyBlocks: number;
  /** Share of earlier blocks with a lower mean (ties count half); NaN with fewer than 4 blocks. */
  readonly percentile: number;
}

export interface DiversificationSnapshot {
  /** Mean of the off-diagonal pair correlations over the window. */
  readonly averageCorrelation: number;
  /** Participation ratio of the correlation matrix: how many independent bets the models behave like. */
  readonly effectiveBets: number;
  readonly rounds: number;
  readonly lastRound: number;
}

export interface Suggestion {
  readonly method: AllocationMethod;
  readonly weights: ReadonlyArray<{ readonly name: string; readonly current: number; readonly suggested: number }>;
  readonly oosRounds: number;
  readonly oosSharpe: number;
  readonly currentOosSharpe: number;
  /** Sharpe of method and current weights in each half of the out-of-sample rounds. */
  readonly halves: readonly [{ readonly method: number; readonly current: number }, { readonly method: number; readonly current: number }];
  readonly caveat: string;
}

export interface WeeklyDigest {
  readonly periodStart: Date;
  readonly periodEnd: Date;
  readonly modelCount: number;
  readonly weightSource: WeightSource;
  /** Rounds (of any of the models) whose resolve time falls in the week. */
  readonly newRounds: readonly number[];
  /** The portfolio: per round Σ wᵢxᵢ / Σ wᵢ over the models with a score that round. */
  readonly portfolio: {
    readonly week: VersusHistory | null;
    readonly cumulative: number;
    readonly rounds: number;
    /** The cumulative portfolio score after each round, for the chart. */
    readonly chart: { readonly rounds: readonly number[]; readonly cumulative: Float64Array };
  };
  readonly best: (VersusHistory & { readonly name: string }) | null;
  readonly worst: (VersusHistory & { readonly name: string }) | null;
  readonly diversification: {
    readonly now: DiversificationSnapshot | null;
    readonly weeksAgo4: DiversificationSnapshot | null;
    readonly weeksAgo12: DiversificationSnapshot | null;
  };
  /** Pairs at or above the threshold now that were not a week ago. */
  readonly newNearDuplicates: ReadonlyArray<{ readonly a: string; readonly b: string; readonly rho: number }>;
  readonly nearDuplicateRho: number;
  readonly contribution: {
    readonly rounds: number;
    readonly top: { readonly name: string; readonly marginalSharpe: number } | null;
    readonly bottom: { readonly name: string; readonly marginalSharpe: number } | null;
    /** The model with the highest mean score in rounds when the rest of the portfolio lost. */
    readonly bestHedge: { readonly name: string; readonly meanWhenRestDown: number; readonly roundsRestDown: number } | null;
  } | null;
  readonly suggestion: Suggestion | null;
  readonly notes: readonly string[];
}

const DEFAULTS = {
  windowRounds: 60,
  minRounds: 20,
  nearDuplicateRho: NEAR_DUPLICATE_RHO,
  suggestionMethods: ["inverseVariance", "minimumVariance", "hrp"] as readonly AllocationMethod[],
  suggestionMargin: 0.05,
  suggestionMinOosRounds: 60,
};

/** Walk-forward settings of the suggestion (the /allocate defaults: monthly refits, 20-round resolution lag). */
const SUGGESTION_WALK = { minFit: 60, rebalanceEvery: 20, resolutionLag: 20 } as const;
export const SUGGESTION_CAVEAT =
  "Tested walk-forward: refitted every 20 rounds on rounds already resolved, then scored on the rounds that followed. " +
  "Rounds overlap, so the evidence is thinner than the round count suggests, and past out-performance may not last.";

function versusHistory(values: ArrayLike<number>, weekStart: number): VersusHistory | null {
  const m = values.length - weekStart;
  if (m <= 0) return null;
  let weekSum = 0;
  for (let t = weekStart; t < values.length; t++) weekSum += values[t] as number;
  const weekMean = weekSum / m;
  const blockMeans: number[] = [];
  for (let end = weekStart; end - m >= 0; end -= m) {
    let s = 0;
    for (let t = end - m; t < end; t++) s += values[t] as number;
    blockMeans.push(s / m);
  }
  let below = 0;
  let total = 0;
  for (const b of blockMeans) {
    total += b;
    below += b < weekMean ? 1 : b === weekMean ? 0.5 : 0;
  }
  return {
    weekMean,
    weekSum,
    weekRounds: m,
    historyMean: blockMeans.length > 0 ? total / blockMeans.length : NaN,
    historyBlocks: blockMeans.length,
    percentile: blockMeans.length >= 4 ? below / blockMeans.length : NaN,
  };
}

/** Pearson correlation matrix of the columns over the given rows (NaN entries where a column is constant). */
function correlationOver(columns: readonly Float64Array[], rows: readonly number[]): Float64Array {
  const k = columns.length;
  const n = rows.length;
  const means = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const c = columns[i] as Float64Array;
    let s = 0;
    for (const t of rows) s += c[t] as number;
    means[i] = s / n;
  }
  const cov = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    const ci = columns[i] as Float64Array;
    const mi = means[i] as number;
    for (let j = i; j < k; j++) {
      const cj = columns[j] as Float64Array;
      const mj = means[j] as number;
      let s = 0;
      for (const t of rows) s += ((ci[t] as number) - mi) * ((cj[t] as number) - mj);
      cov[i * k + j] = s;
      cov[j * k + i] = s;
    }
  }
  const corr = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const d = Math.sqrt((cov[i * k + i] as number) * (cov[j * k + j] as number));
      corr[i * k + j] = i === j ? (d > 0 ? 1 : NaN) : d > 0 ? (cov[i * k + j] as number) / d : NaN;
    }
  }
  return corr;
}

/**
 * Everything one subscriber's weekly digest says, as plain data (NaN / null = not defined here;
 * the renderer words it). Pure: no store, no clock — the week is the 7 days before `periodEnd`
 * and only rounds resolved by then count, so a digest sent late says what it would have said on time.
 *
 * - The week: rounds whose resolve time falls in (periodEnd − 7 days, periodEnd]; the portfolio's
 *   per-round score is Σ wᵢxᵢ / Σ wᵢ over the models scored that round. Each figure is compared
 *   with the subscriber's own history: earlier non-overlapping blocks of as many rounds.
 * - Diversification: average pair correlation and effective bets (participation ratio) over the
 *   last `windowRounds` rounds every model shares, as of now, 4 and 12 weeks ago; new
 *   near-duplicate pairs are those at or above the threshold now but not a week ago.
 * - Contribution: leave-one-out marginal Sharpe and the hedge value (mean when the rest lost) over
 *   all shared rounds.
 * - Suggestion: the walk-forward out-of-sample test of `suggestionMethods`; one is suggested only
 *   when its out-of-sample Sharpe beats the current weights by `suggestionMargin` overall and in
 *   both halves of the test period.
 */
export function buildWeeklyDigest(input: DigestInput): WeeklyDigest {
  const o = { ...DEFAULTS, ...input.options };
  const end = input.periodEnd.getTime();
  const start = end - WEEK_MS;
  const resolveTimes = input.resolveTimes;
  const names = input.models.map((m) => m.name);
  const k = names.length;
  const notes: string[] = [];

  // Only rounds resolved by the end of the week, on one outer round axis (NaN = not scored).
  // Round numbers are dense integers, so the axis is built by direct indexing, not by sorting.
  let minRound = Infinity;
  let maxRound = -Infinity;
  for (const m of input.models) {
    const len = m.series.rounds.length;
    if (len === 0) continue;
    minRound = Math.min(minRound, m.series.rounds[0] as number);
    maxRound = Math.max(maxRound, m.series.rounds[len - 1] as number);
  }
  const span = k > 0 && maxRound >= minRound ? maxRound - minRound + 1 : 0;
  // Resolve time per round of the span (-Infinity when unknown: resolved long ago).
  const spanResolve = new Float64Array(span);
  for (let d = 0; d < span; d++) spanResolve[d] = resolveTimes.get(minRound + d) ?? -Infinity;
  // Which rounds of the span any model scored (resolved by the end), then one column per model on that axis.
  const position = new Int32Array(span).fill(-1);
  for (const m of input.models) {
    const rs = m.series.rounds;
    const vs = m.series.values;
    for (let i = 0; i < rs.length; i++) {
      const d = (rs[i] as number) - minRound;
      if (Number.isFinite(vs[i]) && (spanResolve[d] as number) <= end) position[d] = 0;
    }
  }
  const axis: number[] = [];
  for (let d = 0; d < span; d++) if (position[d] === 0) position[d] = axis.push(d) - 1;
  const n = axis.length;
  const rounds = axis.map((d) => minRound + d);
  const columns = input.models.map((m) => {
    const col = new Float64Array(n).fill(NaN);
    const rs = m.series.rounds;
    const vs = m.series.values;
    for (let i = 0; i < rs.length; i++) {
      const d = (rs[i] as number) - minRound;
      const v = vs[i] as number;
      if (Number.isFinite(v) && (spanResolve[d] as number) <= end) col[position[d] as number] = v;
    }
    return col;
  });
  /** Resolve time of each axis round. */
  const resolvedAt = new Float64Array(n);
  for (let t = 0; t < n; t++) resolvedAt[t] = spanResolve[axis[t] as number] as number;
  let weightTotal = 0;
  for (let i = 0; i < k; i++) weightTotal += Number.isFinite(input.weights[i]) ? Math.max(0, input.weights[i] as number) : 0;
  // No usable weight at all: equal weights rather than no digest.
  const weights = k === 0 ? new Float64Array(0) : normalizeWeights(weightTotal > 0 ? Array.from({ length: k }, (_, i) => Math.max(0, Number(input.weights[i]) || 0)) : new Float64Array(k).fill(1));
  // Rounds resolve in order, so the week's rounds are the tail of the axis.
  let weekStart = n;
  while (weekStart > 0 && (resolvedAt[weekStart - 1] as number) > start) weekStart--;
  const newRounds = rounds.slice(weekStart);

  // Portfolio per round, re-weighted over the models scored that round.
  const portfolioValues: number[] = [];
  const portfolioRounds: number[] = [];
  let portfolioWeekStart = -1;
  for (let t = 0; t < n; t++) {
    let s = 0;
    let w = 0;
    for (let i = 0; i < k; i++) {
      const x = (columns[i] as Float64Array)[t] as number;
      if (!Number.isNaN(x)) {
        s += (weights[i] as number) * x;
        w += weights[i] as number;
      }
    }
    if (w > 0) {
      if (t >= weekStart && portfolioWeekStart < 0) portfolioWeekStart = portfolioValues.length;
      portfolioValues.push(s / w);
      portfolioRounds.push(rounds[t] as number);
    }
  }
  const cumulativeValues = new Float64Array(portfolioValues.length);
  let cumulative = 0;
  portfolioValues.forEach((v, t) => (cumulativeValues[t] = cumulative += v));
  const portfolioWeek = portfolioWeekStart >= 0 ? versusHistory(portfolioValues, portfolioWeekStart) : null;
  if (newRounds.length === 0) notes.push("No round resolved this week (has the score sync run?).");

  // Best and worst model this week, each against its own history (its own scored rounds).
  let best: WeeklyDigest["best"] = null;
  let worst: WeeklyDigest["worst"] = null;
  for (let i = 0; i < k; i++) {
    const col = columns[i] as Float64Array;
    const own: number[] = [];
    let firstNew = -1;
    for (let t = 0; t < n; t++) {
      const v = col[t] as number;
      if (Number.isNaN(v)) continue;
      if (firstNew < 0 && t >= weekStart) firstNew = own.length;
      own.push(v);
    }
    const vh = firstNew < 0 ? null : versusHistory(own, firstNew);
    if (!vh) continue;
    const entry = { name: names[i] as string, ...vh };
    if (!best || vh.weekMean > best.weekMean) best = entry;
    if (!worst || vh.weekMean < worst.weekMean) worst = entry;
  }
  if (k < 2) worst = null;

  // Listwise rows: every model scored.
  const fullRows: number[] = [];
  for (let t = 0; t < n; t++) {
    let all = true;
    for (let i = 0; i < k && all; i++) all = Number.isFinite((columns[i] as Float64Array)[t]);
    if (all) fullRows.push(t);
  }
  const window = (cutoff: number): { rows: number[]; lastRound: number } | null => {
    const rows: number[] = [];
    for (let p = fullRows.length - 1; p >= 0 && rows.length < o.windowRounds; p--) {
      const t = fullRows[p] as number;
      if ((resolvedAt[t] as number) <= cutoff) rows.push(t);
    }
    if (rows.length < o.minRounds) return null;
    rows.reverse();
    return { rows, lastRound: rounds[rows[rows.length - 1] as number] as number };
  };
  const snapshot = (cutoff: number): { snap: DiversificationSnapshot; corr: Float64Array } | null => {
    if (k < 2) return null;
    const win = window(cutoff);
    if (!win) return null;
    const corr = correlationOver(columns, win.rows);
    let off = 0;
    let count = 0;
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        const v = corr[i * k + j] as number;
        if (Number.isFinite(v)) {
          off += v;
          count++;
        }
      }
    }
    return {
      snap: {
        averageCorrelation: count > 0 ? off / count : NaN,
        effectiveBets: participationRatio(corr, k),
        rounds: win.rows.length,
        lastRound: win.lastRound,
      },
      corr,
    };
  };
  const now = snapshot(end);
  const weekAgo = snapshot(end - WEEK_MS);
  const diversification = {
    now: now?.snap ?? null,
    weeksAgo4: snapshot(end - 4 * WEEK_MS)?.snap ?? null,
    weeksAgo12: snapshot(end - 12 * WEEK_MS)?.snap ?? null,
  };
  if (k >= 2 && !now) notes.push(`Correlations need at least ${o.minRounds} rounds that all your models share.`);
  const newNearDuplicates: Array<{ a: string; b: string; rho: number }> = [];
  if (now) {
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        const rho = now.corr[i * k + j] as number;
        const before = weekAgo ? (weekAgo.corr[i * k + j] as number) : NaN;
        if (rho >= o.nearDuplicateRho && !(before >= o.nearDuplicateRho)) newNearDuplicates.push({ a: names[i] as string, b: names[j] as string, rho });
      }
    }
    newNearDuplicates.sort((x, y) => y.rho - x.rho);
  }

  // Contribution over every shared round.
  let contribution: WeeklyDigest["contribution"] = null;
  const cols =
    k >= 2 && fullRows.length >= o.minRounds
      ? columns.map((c) => {
          const out = new Float64Array(fullRows.length);
          for (let p = 0; p < fullRows.length; p++) out[p] = c[fullRows[p] as number] as number;
          return out;
        })
      : null;
  if (cols) {
    const m = sampleMoments(cols);
    const loo = leaveOneOutSharpe(m.mu, m.cov, k, weights);
    let top: { name: string; marginalSharpe: number } | null = null;
    let bottom: { name: string; marginalSharpe: number } | null = null;
    let bestHedge: { name: string; meanWhenRestDown: number; roundsRestDown: number } | null = null;
    const hedges = hedgeValues(cols, weights);
    for (let i = 0; i < k; i++) {
      const v = loo[i] as number;
      if (Number.isFinite(v)) {
        if (!top || v > top.marginalSharpe) top = { name: names[i] as string, marginalSharpe: v };
        if (!bottom || v < bottom.marginalSharpe) bottom = { name: names[i] as string, marginalSharpe: v };
      }
      const h = hedges[i] as HedgeValue;
      if (h.countDown >= 5 && (!bestHedge || h.meanWhenRestDown > bestHedge.meanWhenRestDown)) {
        bestHedge = { name: names[i] as string, meanWhenRestDown: h.meanWhenRestDown, roundsRestDown: h.countDown };
      }
    }
    contribution = { rounds: fullRows.length, top, bottom: bottom && top && bottom.name !== top.name ? bottom : null, bestHedge };
  }

  // A suggestion only when it held up out of sample.
  let suggestion: Suggestion | null = null;
  const needed = SUGGESTION_WALK.minFit + SUGGESTION_WALK.resolutionLag + o.suggestionMinOosRounds;
  if (cols && fullRows.length >= needed && weights.every((w) => Number.isFinite(w))) {
    suggestion = suggest(
      cols,
      fullRows.map((t) => rounds[t] as number),
      weights,
      names,
      o,
    );
  }

  return {
    periodStart: new Date(start),
    periodEnd: new Date(end),
    modelCount: k,
    weightSource: input.weightSource,
    newRounds,
    portfolio: { week: portfolioWeek, cumulative, rounds: portfolioValues.length, chart: { rounds: portfolioRounds, cumulative: cumulativeValues } },
    best,
    worst,
    diversification,
    newNearDuplicates,
    nearDuplicateRho: o.nearDuplicateRho,
    contribution,
    suggestion,
    notes,
  };
}

function suggest(
  cols: readonly Float64Array[],
  rounds: readonly number[],
  weights: Float64Array,
  names: readonly string[],
  o: typeof DEFAULTS,
): Suggestion | null {
  let wf;
  try {
    // The /allocate bounds, loosened only as far as a small portfolio needs (cap × models ≥ 1).
    const cap = Math.max(DEFAULT_CAP, 1 / cols.length);
    wf = walkForward({ rounds, columns: cols, methods: o.suggestionMethods, currentWeights: weights, cap, floor: Math.min(DEFAULT_FLOOR, cap), ...SUGGESTION_WALK });
  } catch {
    // Degenerate inputs (e.g. a cap the model count cannot meet) mean: nothing to suggest.
    return null;
  }
  const current = wf.portfolios.find((p) => p.name === "current");
  if (!current || current.nRounds < o.suggestionMinOosRounds || !Number.isFinite(current.sharpe)) return null;
  let best = null as (typeof wf.portfolios)[number] | null;
  for (const p of wf.portfolios) {
    if (p.name === "current" || !Number.isFinite(p.sharpe)) continue;
    if (!best || p.sharpe > best.sharpe) best = p;
  }
  if (!best || best.sharpe - current.sharpe < o.suggestionMargin) return null;
  const half = Math.floor(current.nRounds / 2);
  const halves = [
    { method: sharpe(best.returns.subarray(0, half)), current: sharpe(current.returns.subarray(0, half)) },
    { method: sharpe(best.returns.subarray(half)), current: sharpe(current.returns.subarray(half)) },
  ] as const;
  if (!halves.every((h) => h.method > h.current)) return null;
  const last = best.rebalances[best.rebalances.length - 1];
  if (!last) return null;
  let change = 0;
  for (let i = 0; i < weights.length; i++) change += Math.abs((last.weights[i] as number) - (weights[i] as number));
  // Less than 5% of the stake would move: not worth a suggestion.
  if (change / 2 < 0.05) return null;
  return {
    method: best.name as AllocationMethod,
    weights: names.map((name, i) => ({ name, current: weights[i] as number, suggested: last.weights[i] as number })),
    oosRounds: current.nRounds,
    oosSharpe: best.sharpe,
    currentOosSharpe: current.sharpe,
    halves,
    caveat: SUGGESTION_CAVEAT,
  };
}

// ---------------------------------------------------------------------------- a server digest

export interface ServerDigestMember {
  readonly userId: string;
  readonly digest: WeeklyDigest | null;
  /** Why there is no digest for this member (e.g. no models). */
  readonly note?: string;
}

export interface ServerDigest {
  readonly guildId: string;
  readonly periodStart: Date;
  readonly periodEnd: Date;
  readonly members: readonly ServerDigestMember[];
  /** Within- vs across-member pair correlations, or why there are none. */
  readonly diversity:
    | { readonly members: number; readonly models: number; readonly withinMean: number; readonly acrossMean: number; readonly withinPairs: number; readonly acrossPairs: number }
    | { readonly error: string };
}

// ---------------------------------------------------------------------------- loading a run's data

/** Score names the combined score can draw on in any payout period. */
const COMBINED_NAMES = [...new Set(PAYOUT_RULES.flatMap((r) => [...r.corrNames, ...r.mmcNames]))];
const NAME_INDEX = new Map(COMBINED_NAMES.map((n, i) => [n, i]));

/** Subscribers whose registrations are read together (the dispatcher's and the benchmark's batch). */
export const DIGEST_BATCH_SIZE = 500;

/** Score values a loader keeps in memory at most (~12 bytes each): bounds a run's memory however many models it meets. */
export const DEFAULT_MAX_CACHED_VALUES = 4_000_000;

interface CachedModel {
  readonly rounds: Int32Array;
  readonly values: Float64Array;
  /** Latest stake at risk (NMR), NaN when unknown. */
  readonly atRisk: number;
}

export interface SubscriberData {
  readonly models: readonly DigestModelInput[];
  readonly weights: Float64Array;
  readonly weightSource: WeightSource;
}

/**
 * Reads what a dispatch run needs in batches: registrations and weight choices of every user, and
 * each distinct model's combined score series once (shared by every subscriber who has it).
 * Mirrors `buildSeries(…, { kind: "score" })` and `resolveWeights` of the portfolio service
 * (tests hold them equal) without their per-user queries.
 */
export function createDigestLoader(repo: DigestRepository, options: { maxCachedValues?: number } = {}) {
  // Least recently used first (Map keeps insertion order; a use re-inserts).
  const cache = new Map<string, CachedModel>();
  const maxCachedValues = options.maxCachedValues ?? DEFAULT_MAX_CACHED_VALUES;
  let cachedValues = 0;
  const registrations = new Map<string, Array<{ modelId: string; name: string; declaredWeight: number | null }>>();
  const loadedUsers = new Set<string>();
  let sources = new Map<string, "declared" | "api" | "equal">();
  let resolveTimes: Map<number, number> | null = null;

  /** Latest finite stake at risk (what the portfolio service's API weights use), NaN when none. */
  function latestStake(modelId: string): number {
    for (const limit of [5, Number.MAX_SAFE_INTEGER]) {
      const stakes = repo.latestStakes(modelId, limit);
      for (const text of stakes) {
        const v = Number(text);
        if (Number.isFinite(v)) return v;
      }
      if (stakes.length < limit) break;
    }
    return NaN;
  }

  /**
   * One model's combined score per round: corr × corrMultiplier + mmc × mmcMultiplier with the
   * round's own multipliers (the payout period's when missing), the period's preferred score names.
   */
  function loadModel(modelId: string): CachedModel {
    // Only rounds whose stated multipliers differ from their period's; every other round uses the period's.
    const facts = repo.modelMultipliers(modelId, PAYOUT_RULES);
    const cells = repo.modelScores(modelId, COMBINED_NAMES);
    const slots = new Float64Array(COMBINED_NAMES.length);
    const outRounds: number[] = [];
    const outValues: number[] = [];
    let f = 0;
    let c = 0;
    while (c < cells.length) {
      const round = (cells[c] as [number, number, number])[0];
      slots.fill(NaN);
      for (; c < cells.length && (cells[c] as [number, number, number])[0] === round; c++) {
        const cell = cells[c] as [number, number, number];
        slots[cell[1]] = cell[2];
      }
      while (f < facts.length && (facts[f] as [number, number | null, number | null])[0] < round) f++;
      const fact = f < facts.length && (facts[f] as [number, number | null, number | null])[0] === round ? (facts[f] as [number, number | null, number | null]) : null;
      const scored = roundScore(round, fact ? { corr: fact[1], mmc: fact[2] } : null, (name) => {
        const v = slots[NAME_INDEX.get(name) as number] as number;
        return Number.isNaN(v) ? undefined : v;
      });
      if (!Number.isNaN(scored.value)) {
        outRounds.push(round);
        outValues.push(scored.value);
      }
    }
    return { rounds: Int32Array.from(outRounds), values: Float64Array.from(outValues), atRisk: latestStake(modelId) };
  }

  function loadModels(modelIds: readonly string[]): void {
    for (const id of modelIds) if (!cache.has(id)) remember(id, loadModel(id));
  }

  function remember(id: string, model: CachedModel): void {
    cache.set(id, model);
    cachedValues += model.values.length;
    for (const [oldId, old] of cache) {
      if (cachedValues <= maxCachedValues || oldId === id) break;
      cache.delete(oldId);
      cachedValues -= old.values.length;
    }
  }

  function modelOf(id: string): CachedModel {
    const hit = cache.get(id);
    if (hit) {
      cache.delete(id);
      cache.set(id, hit);
      return hit;
    }
    const loaded = loadModel(id);
    remember(id, loaded);
    return loaded;
  }

  return {
    /** Loads everything these users' digests need (already loaded users and models are skipped). */
    prepare(userIds: readonly string[]): void {
      const fresh = [...new Set(userIds)].filter((u) => !loadedUsers.has(u));
      if (fresh.length === 0) return;
      for (const r of repo.registrationsOf(fresh)) {
        const list = registrations.get(r.discordUserId) ?? [];
        list.push({ modelId: r.modelId, name: r.name, declaredWeight: r.declaredWeight });
        registrations.set(r.discordUserId, list);
      }
      sources = new Map([...sources, ...repo.weightSourcesOf(fresh)]);
      for (const u of fresh) loadedUsers.add(u);
      loadModels([...new Set(fresh.flatMap((u) => (registrations.get(u) ?? []).map((r) => r.modelId)))]);
    },

    resolveTimes(): ReadonlyMap<number, number> {
      resolveTimes ??= repo.roundResolveTimes();
      return resolveTimes;
    },

    /** One user's models, series and weights (declared → API stakes → equal, unless the user chose). */
    subscriber(userId: string): SubscriberData {
      this.prepare([userId]);
      const regs = registrations.get(userId) ?? [];
      const cached = regs.map((r) => modelOf(r.modelId));
      const models = regs.map((r, i) => {
        const c = cached[i] as CachedModel;
        return { name: r.name, series: { rounds: c.rounds, values: c.values } };
      });
      const k = regs.length;
      if (k === 0) return { models, weights: new Float64Array(0), weightSource: "equal" };
      const chosen = sources.get(userId) ?? null;
      const resolved = resolvePortfolioWeights(
        regs.map((r, i) => ({ declared: r.declaredWeight, stake: chosen === "equal" ? NaN : (cached[i] as CachedModel).atRisk })),
        chosen,
      );
      return { models, weights: resolved.values, weightSource: weightSourceOf(resolved.origins) };
    },

    /** How many distinct models are held in memory (for progress logs and the benchmark). */
    get cachedModels(): number {
      return cache.size;
    },
  };
}

export type DigestLoader = ReturnType<typeof createDigestLoader>;

/** Builds one subscriber's digest from a prepared loader; null when the user has no models. */
export function buildDigestFor(loader: DigestLoader, userId: string, periodEnd: Date, options?: DigestOptions): WeeklyDigest | null {
  const data = loader.subscriber(userId);
  if (data.models.length === 0) return null;
  return buildWeeklyDigest({
    models: data.models,
    weights: data.weights,
    weightSource: data.weightSource,
    resolveTimes: loader.resolveTimes(),
    periodEnd,
    ...(options ? { options } : {}),
  });
}

/** The server digest of a guild as of `at`: every opted-in member's digest and the within/across view. */
export function buildServerDigest(
  deps: { readonly portfolio: Pick<PortfolioService, "serverDiversity">; readonly settings: Pick<UserSettingsRepository, "optedIn"> },
  loader: DigestLoader,
  guildId: string,
  at: Date,
): ServerDigest {
  const memberIds = deps.settings.optedIn(guildId);
  loader.prepare(memberIds);
  const members: ServerDigestMember[] = memberIds.map((userId) => {
    const digest = buildDigestFor(loader, userId, at);
    return digest ? { userId, digest } : { userId, digest: null, note: "no models registered" };
  });
  // As of the digest's time: rounds resolved by then.
  let toRound: number | undefined;
  for (const [round, t] of loader.resolveTimes()) if (t <= at.getTime() && (toRound === undefined || round > toRound)) toRound = round;
  let diversity: ServerDigest["diversity"];
  try {
    const d = deps.portfolio.serverDiversity(guildId, toRound !== undefined ? { toRound } : {});
    diversity = {
      members: d.members,
      models: d.models,
      withinMean: d.within.mean,
      acrossMean: d.across.mean,
      withinPairs: d.within.values.length,
      acrossPairs: d.across.values.length,
    };
  } catch (err) {
    if (!(err instanceof UserFacingError)) throw err;
    diversity = { error: err.message };
  }
  return { guildId, periodStart: new Date(at.getTime() - 7 * DAY_MS), periodEnd: at, members, diversity };
}
