/**
 * Which models to leave out so that the others share enough rounds for a listwise statistic.
 * Naming the model with the fewest rounds can be useless: with two models that never overlap,
 * dropping the shortest leaves the other pair still disjoint. This searches for the removals that
 * actually work.
 */
import type { RoundSeries } from "./align.js";

/** One way out: leave these models out (indices, ascending) and the rest share `shared` rounds. */
export interface LeaveOut {
  readonly removed: readonly number[];
  readonly shared: number;
}

export interface LeaveOutSearch {
  /** The smallest removals that reach `minRounds`, most shared rounds first; empty when none does. */
  readonly options: readonly LeaveOut[];
  /** False when the exact search ran out of its budget and a greedy removal was used instead. */
  readonly exact: boolean;
}

export interface LeaveOutOptions {
  /** Models that must remain (default 2: a covariance needs two). */
  readonly minModels?: number;
  /** Most options returned (default 3). */
  readonly maxOptions?: number;
  /** Word operations the exact search may spend before it falls back to greedy (default 2e7: 200 models × 5,000 rounds answer in under 0.1 s). */
  readonly budget?: number;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * The fewest models to leave out so that the remaining ones (at least `minModels`) share at least
 * `minRounds` rounds, a round counting for a model when its value is finite (as `alignByRound`).
 * Exact: removal sets are tried by size, 1, 2, …, every set of a size before the next, and all
 * sets of the smallest size that works are returned (up to `maxOptions`, most shared rounds
 * first, then by index). When that would cost more than `budget`, greedy instead: repeatedly
 * leave out the model whose removal leaves the most shared rounds (on ties the one with the
 * fewest rounds, then the lowest index) — one option, `exact: false`.
 * @throws "leaveOutForSharedRounds requires minRounds ≥ 1 and minModels ≥ 1"
 * @example leaveOutForSharedRounds([{ rounds: [1, 2], values: [0, 0] }, { rounds: [3, 4], values: [0, 0] }, { rounds: [1, 2, 3, 4], values: [0, 0, 0, 0] }], 2).options
 *   // => [{ removed: [0], shared: 2 }, { removed: [1], shared: 2 }]
 */
export function leaveOutForSharedRounds(series: readonly RoundSeries[], minRounds: number, options: LeaveOutOptions = {}): LeaveOutSearch {
  const minModels = options.minModels ?? 2;
  const maxOptions = options.maxOptions ?? 3;
  let budget = options.budget ?? 2e7;
  if (!(minRounds >= 1 && minModels >= 1)) throw new Error("leaveOutForSharedRounds requires minRounds ≥ 1 and minModels ≥ 1");
  const k = series.length;
  // Each model's rounds as a bitset over the union of rounds.
  const index = new Map<number, number>();
  for (const s of series) s.rounds.forEach((r, i) => Number.isFinite(s.values[i]) && !index.has(r) && index.set(r, index.size));
  const words = Math.max(1, Math.ceil(index.size / 32));
  const bits = series.map((s) => {
    const b = new Uint32Array(words);
    s.rounds.forEach((r, i) => {
      if (!Number.isFinite(s.values[i])) return;
      const p = index.get(r) as number;
      b[p >>> 5] = (b[p >>> 5] as number) | (1 << (p & 31));
    });
    return b;
  });
  const acc = new Uint32Array(words);
  const sharedWithout = (out: Uint8Array): number => {
    acc.fill(0xffffffff);
    for (let m = 0; m < k; m++) {
      if (out[m] === 1) continue;
      const b = bits[m] as Uint32Array;
      for (let w = 0; w < words; w++) acc[w] = (acc[w] as number) & (b[w] as number);
    }
    let n = 0;
    for (let w = 0; w < words; w++) n += popcount(acc[w] as number);
    return n;
  };
  const out = new Uint8Array(k);
  const perSet = k * words;
  for (let size = 1; size <= k - minModels; size++) {
    const found: LeaveOut[] = [];
    const pick = Array.from({ length: size }, (_, i) => i);
    let complete = true;
    for (;;) {
      if ((budget -= perSet) < 0) {
        complete = false;
        break;
      }
      out.fill(0);
      for (const i of pick) out[i] = 1;
      const shared = sharedWithout(out);
      if (shared >= minRounds) found.push({ removed: [...pick], shared });
      // Next combination in lexicographic order.
      let j = size - 1;
      while (j >= 0 && (pick[j] as number) === k - size + j) j--;
      if (j < 0) break;
      pick[j] = (pick[j] as number) + 1;
      for (let t = j + 1; t < size; t++) pick[t] = (pick[t - 1] as number) + 1;
    }
    if (complete && found.length > 0) return { options: [...found].sort((a, b) => b.shared - a.shared).slice(0, maxOptions), exact: true };
    if (!complete) return greedy(bits, words, minModels, minRounds);
  }
  return { options: [], exact: true };
}

/**
 * Greedy removal. Each step finds, for every kept model at once, the rounds the others share
 * from prefix and suffix intersections — O(k·words) per step, not O(k²·words).
 */
function greedy(bits: readonly Uint32Array[], words: number, minModels: number, minRounds: number): LeaveOutSearch {
  const k = bits.length;
  const kept = bits.map((_, i) => i);
  const removed: number[] = [];
  const prefix = Array.from({ length: k + 1 }, () => new Uint32Array(words));
  const suffix = Array.from({ length: k + 1 }, () => new Uint32Array(words));
  const own = bits.map((b) => b.reduce((n, w) => n + popcount(w), 0));
  while (kept.length > minModels) {
    const m = kept.length;
    (prefix[0] as Uint32Array).fill(0xffffffff);
    (suffix[m] as Uint32Array).fill(0xffffffff);
    for (let i = 0; i < m; i++) {
      const p = prefix[i] as Uint32Array;
      const b = bits[kept[i] as number] as Uint32Array;
      const next = prefix[i + 1] as Uint32Array;
      for (let w = 0; w < words; w++) next[w] = (p[w] as number) & (b[w] as number);
    }
    for (let i = m - 1; i >= 0; i--) {
      const q = suffix[i + 1] as Uint32Array;
      const b = bits[kept[i] as number] as Uint32Array;
      const next = suffix[i] as Uint32Array;
      for (let w = 0; w < words; w++) next[w] = (q[w] as number) & (b[w] as number);
    }
    let best = -1;
    let bestShared = -1;
    for (let i = 0; i < m; i++) {
      const p = prefix[i] as Uint32Array;
      const q = suffix[i + 1] as Uint32Array;
      let shared = 0;
      for (let w = 0; w < words; w++) shared += popcount((p[w] as number) & (q[w] as number));
      // Ties (often all 0 at first) go to the model with the fewest rounds, then the lowest index.
      if (shared > bestShared || (shared === bestShared && (own[kept[i] as number] as number) < (own[kept[best] as number] as number))) [best, bestShared] = [i, shared];
    }
    removed.push(kept[best] as number);
    kept.splice(best, 1);
    if (bestShared >= minRounds) return { options: [{ removed: removed.sort((x, y) => x - y), shared: bestShared }], exact: false };
  }
  return { options: [], exact: false };
}
