/**
 * A digest's round axis: every model's scores on the rounds resolved by the digest's time that
 * any of its models scored — what every section of the digest is computed on. Built from each
 * model's counted scores (finite, resolved by then), which depend only on the model, the resolve
 * times and the time: a run's {@link RoundAxisCache} works them out once per model and reuses
 * them for every subscriber who holds the model (a model of a 5,000-model pool is held by ~20 of
 * 10,000 subscribers), and likewise each model's means over the correlation windows.
 */
import { mean } from "../../analytics/moments.js";

export interface AxisSeries {
  /** Rounds ascending. */
  readonly rounds: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

/** One model's scores that count by a time: finite and resolved by then, in series order. */
export interface CountedSeries {
  readonly rounds: Int32Array;
  readonly values: Float64Array;
  /** Rounds strictly ascending: `values` is the model's column on any axis without its NaNs. */
  readonly ascending: boolean;
  /** Ascending and consecutive (r, r + 1, …): on an axis of consecutive rounds, one block of the column. */
  readonly consecutive: boolean;
}

/** Every model's scores on one round axis: rounds resolved by `end` that any model scored. */
export interface RoundAxis {
  readonly rounds: readonly number[];
  /** One column per model on the axis (NaN = not scored that round). */
  readonly columns: readonly Float64Array[];
  /** Resolve time (ms) of each axis round; -Infinity when unknown (resolved long ago). */
  readonly resolvedAt: Float64Array;
  /** Per model, its counted scores (the column without its NaNs, when `ascending`). */
  readonly counted: readonly CountedSeries[];
}

/** Resolve time by round, as a dense array over the span of rounds the map knows. */
interface ResolveIndex {
  readonly first: number;
  readonly times: Float64Array;
  readonly map: ReadonlyMap<number, number>;
}

/** Rounds a dense index spans at most (~8 MB); a wider or non-integer map is looked up as a map. */
const MAX_DENSE_ROUNDS = 1_000_000;

function resolveIndex(map: ReadonlyMap<number, number>): ResolveIndex {
  let min = Infinity;
  let max = -Infinity;
  let integers = true;
  for (const r of map.keys()) {
    if (!Number.isInteger(r)) integers = false;
    if (r < min) min = r;
    if (r > max) max = r;
  }
  if (map.size === 0 || !integers || max - min + 1 > MAX_DENSE_ROUNDS) return { first: 0, times: new Float64Array(0), map };
  const times = new Float64Array(max - min + 1).fill(NaN);
  for (const [r, t] of map) times[r - min] = t;
  return { first: min, times, map };
}

/** The resolve time of `round`; -Infinity when unknown. */
function resolvedAtOf(index: ResolveIndex, round: number): number {
  if (index.times.length === 0) return index.map.get(round) ?? -Infinity;
  const d = round - index.first;
  if (!(d >= 0 && d < index.times.length)) return -Infinity;
  const t = index.times[d] as number;
  // NaN marks a round the map does not hold; a NaN the map does hold is kept (it never counts as resolved).
  return Number.isNaN(t) ? (index.map.get(round) ?? -Infinity) : t;
}

function countedSeries(series: AxisSeries, index: ResolveIndex, end: number): CountedSeries {
  const n = series.rounds.length;
  // Filled as the scores are checked; dropped for the series' own arrays when every score counts.
  const rounds = new Int32Array(n);
  const values = new Float64Array(n);
  let m = 0;
  let ascending = true;
  let consecutive = true;
  for (let i = 0; i < n; i++) {
    const r = series.rounds[i] as number;
    const v = series.values[i] as number;
    if (!Number.isFinite(v) || !(resolvedAtOf(index, r) <= end)) continue;
    if (m > 0) {
      const previous = rounds[m - 1] as number;
      if (!(r > previous)) ascending = false;
      if (r !== previous + 1) consecutive = false;
    }
    rounds[m] = r;
    values[m++] = v;
  }
  // Usually every score counts: then the loader's own arrays serve (a run's cache holds no second copy).
  const all = m === n && series.rounds instanceof Int32Array && series.values instanceof Float64Array;
  return {
    rounds: all ? series.rounds : rounds.slice(0, m),
    values: all ? series.values : values.slice(0, m),
    ascending,
    consecutive: ascending && consecutive,
  };
}

/**
 * What a run works out once for all its digests: the resolve times as a dense array, and each
 * model's counted scores by each digest time it is asked for. Like the suggestion memo it assumes
 * that a run's series and resolve times do not change while it lasts (a new run, a new cache).
 * Entries are keyed by the series' value array, so they go when the loader drops the model.
 */
export interface RoundAxisCache {
  index: ResolveIndex | null;
  /** By digest time (a run has a few: one per schedule slot), the counted series by value array. */
  readonly byEnd: Map<number, WeakMap<object, { readonly rounds: ArrayLike<number>; readonly counted: CountedSeries }>>;
  /** Per counted series, its mean over windows of consecutive rounds, by first round and length (see {@link centreWindow}). */
  readonly windowMeans: WeakMap<CountedSeries, Map<number, number>>;
  /** Scratch for one step of one digest at a time (see {@link scratchOf}). */
  scratch: Float64Array;
}

/** Digest times a cache keeps counted series for (oldest dropped first). */
const CACHED_ENDS = 8;

export function createRoundAxisCache(): RoundAxisCache {
  return { index: null, byEnd: new Map(), windowMeans: new WeakMap(), scratch: new Float64Array(0) };
}

/**
 * A buffer of at least `size` numbers for a step of a digest that needs it only while it runs (a
 * window's centred scores, the portfolio's per-round values): with a cache, the run's one buffer,
 * since digests are built one at a time and no step keeps it; else a new one. A typed array of a
 * few hundred numbers costs ~1 µs to allocate, about what the step's arithmetic costs.
 */
export function scratchOf(cache: RoundAxisCache | undefined, size: number): Float64Array {
  if (!cache) return new Float64Array(size);
  if (cache.scratch.length < size) cache.scratch = new Float64Array(Math.max(size, 2 * cache.scratch.length));
  return cache.scratch;
}

function countedOf(series: AxisSeries, index: ResolveIndex, end: number, cache: RoundAxisCache | undefined): CountedSeries {
  if (!cache) return countedSeries(series, index, end);
  let byValues = cache.byEnd.get(end);
  if (!byValues) {
    byValues = new WeakMap();
    cache.byEnd.set(end, byValues);
    if (cache.byEnd.size > CACHED_ENDS) cache.byEnd.delete(cache.byEnd.keys().next().value as number);
  }
  const key = series.values as object;
  const hit = byValues.get(key);
  if (hit && hit.rounds === series.rounds) return hit.counted;
  const counted = countedSeries(series, index, end);
  byValues.set(key, { rounds: series.rounds, counted });
  return counted;
}

/**
 * The axis of these models as of `end`. Round numbers are dense integers, so it is built by direct
 * indexing over the span of rounds, not by sorting; when every model's counted rounds are
 * consecutive and together leave no round of the span out (the usual case), each column is one
 * block copy.
 */
export function roundAxis(models: readonly AxisSeries[], resolveTimes: ReadonlyMap<number, number>, end: number, cache?: RoundAxisCache): RoundAxis {
  let index: ResolveIndex;
  if (cache) {
    if (cache.index?.map !== resolveTimes) {
      cache.index = resolveIndex(resolveTimes);
      cache.byEnd.clear();
    }
    index = cache.index;
  } else {
    index = resolveIndex(resolveTimes);
  }
  const counted = models.map((m) => countedOf(m, index, end, cache));
  let minRound = Infinity;
  let maxRound = -Infinity;
  let blocks = true;
  for (const c of counted) {
    const len = c.rounds.length;
    if (len === 0) continue;
    if (!c.consecutive) blocks = false;
    minRound = Math.min(minRound, c.rounds[0] as number);
    maxRound = Math.max(maxRound, c.rounds[len - 1] as number);
  }
  const span = maxRound >= minRound ? maxRound - minRound + 1 : 0;
  const columns = blocks && span > 0 ? blockColumns(counted, minRound, span) : null;
  if (columns) {
    const rounds = new Array<number>(span);
    const resolvedAt = new Float64Array(span);
    for (let d = 0; d < span; d++) {
      rounds[d] = minRound + d;
      resolvedAt[d] = resolvedAtOf(index, minRound + d);
    }
    return { rounds, columns, resolvedAt, counted };
  }
  // Which rounds of the span any model scored, then their axis positions.
  const position = new Int32Array(span).fill(-1);
  for (const c of counted) for (let i = 0; i < c.rounds.length; i++) position[(c.rounds[i] as number) - minRound] = 0;
  const rounds: number[] = [];
  for (let d = 0; d < span; d++) if (position[d] === 0) position[d] = rounds.push(minRound + d) - 1;
  const general = columnBuffers(counted.length, rounds.length);
  counted.forEach((c, m) => {
    const col = general[m] as Float64Array;
    // In series order, so a repeated round keeps its last score.
    for (let i = 0; i < c.rounds.length; i++) col[position[(c.rounds[i] as number) - minRound] as number] = c.values[i] as number;
  });
  const resolvedAt = new Float64Array(rounds.length);
  for (let t = 0; t < rounds.length; t++) resolvedAt[t] = resolvedAtOf(index, rounds[t] as number);
  return { rounds, columns: general, resolvedAt, counted };
}

/** Columns as blocks of consecutive counted rounds over the span, or null when the blocks leave a round of the span out. */
function blockColumns(counted: readonly CountedSeries[], minRound: number, span: number): Float64Array[] | null {
  // The union of the blocks covers the span iff, taken by first round, each starts by the end of those before it.
  const order = counted.map((_, i) => i).filter((i) => (counted[i] as CountedSeries).rounds.length > 0);
  order.sort((a, b) => ((counted[a] as CountedSeries).rounds[0] as number) - ((counted[b] as CountedSeries).rounds[0] as number));
  let covered = minRound - 1;
  for (const i of order) {
    const r = (counted[i] as CountedSeries).rounds;
    if ((r[0] as number) > covered + 1) return null;
    covered = Math.max(covered, r[r.length - 1] as number);
  }
  const columns = columnBuffers(counted.length, span);
  counted.forEach((c, i) => {
    if (c.rounds.length > 0) (columns[i] as Float64Array).set(c.values, (c.rounds[0] as number) - minRound);
  });
  return columns;
}

/** k NaN-filled columns of n as views of one buffer: one allocation instead of k. */
function columnBuffers(k: number, n: number): Float64Array[] {
  const buffer = new Float64Array(k * n).fill(NaN);
  return Array.from({ length: k }, (_, i) => buffer.subarray(i * n, (i + 1) * n));
}

/** Axis positions where every model has a score (listwise rows). */
export function sharedRows(axis: RoundAxis): number[] {
  const rows: number[] = [];
  // Plain loops: this runs once per digest over every round of every model (issue 13's digest figure).
  outer: for (let t = 0; t < axis.rounds.length; t++) {
    for (const c of axis.columns) if (!Number.isFinite(c[t])) continue outer;
    rows.push(t);
  }
  return rows;
}

/**
 * Each column at the positions `rows` (ascending): views when the rows are consecutive (the
 * columns are only read), else copies (a plain loop: Float64Array.from with a map function was 20%
 * of a digest run).
 */
export function columnsAt(columns: readonly Float64Array[], rows: readonly number[]): Float64Array[] {
  const n = rows.length;
  if (n > 0 && (rows[n - 1] as number) - (rows[0] as number) === n - 1) {
    const from = rows[0] as number;
    return columns.map((c) => c.subarray(from, from + n));
  }
  return columns.map((c) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = c[rows[i] as number] as number;
    return out;
  });
}

/** Window means a cache keeps per model (oldest dropped first): a digest asks for five, mostly the same ones for every holder. */
const CACHED_WINDOWS = 16;
const WINDOW_KEY = 100_000;

/**
 * Centres one model's scores over the `n` consecutive rounds from `fromRound` on their
 * (compensated) mean into `out` at `offset` — what `centreColumns` makes of the column over those
 * rounds — and returns false (writing nothing) when the model's counted rounds are not consecutive
 * or do not cover them. With a cache, each window's mean is worked out once per run.
 */
export function centreWindow(counted: CountedSeries, fromRound: number, n: number, out: Float64Array, offset: number, cache?: RoundAxisCache): boolean {
  const len = counted.rounds.length;
  const from = fromRound - (counted.rounds[0] as number);
  if (!counted.consecutive || len === 0 || from < 0 || from + n > len) return false;
  const values = counted.values;
  // One number for (first round, length); a window too long for it is not cached.
  const key = n < WINDOW_KEY ? fromRound * WINDOW_KEY + n : NaN;
  let byKey = cache?.windowMeans.get(counted);
  let m = byKey?.get(key);
  if (m === undefined) {
    m = mean(values.subarray(from, from + n));
    if (cache && !Number.isNaN(key)) {
      if (!byKey) {
        byKey = new Map();
        cache.windowMeans.set(counted, byKey);
      }
      byKey.set(key, m);
      if (byKey.size > CACHED_WINDOWS) byKey.delete(byKey.keys().next().value as number);
    }
  }
  for (let t = 0; t < n; t++) out[offset + t] = (values[from + t] as number) - m;
  return true;
}
