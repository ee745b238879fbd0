/**
 * Aligning per-round series. A series is keyed by round number and is never zipped by index:
 * models start at different rounds and skip rounds.
 */

/** One model's scores keyed by round: parallel arrays, rounds strictly ascending. */
export interface RoundSeries {
  readonly rounds: readonly number[];
  readonly values: readonly number[];
}

/** Series of several models on one shared round axis: `columns[m][t]` is model m at `rounds[t]`. */
export interface AlignedSeries {
  readonly rounds: readonly number[];
  readonly columns: readonly Float64Array[];
}

function assertWellFormed(s: RoundSeries, name: string): void {
  if (s.rounds.length !== s.values.length) throw new Error(`${name} requires rounds and values of equal length`);
  for (let i = 1; i < s.rounds.length; i++) {
    if ((s.rounds[i] as number) <= (s.rounds[i - 1] as number)) {
      throw new Error(`${name} requires strictly ascending rounds`);
    }
  }
}

function sameRounds(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Listwise alignment: the rounds present (with a finite value) in every series, ascending.
 * `missing: "zero"` instead takes the union of rounds and scores a missing round as 0 —
 * what Numerai pays a model that did not submit.
 * @throws "alignByRound requires strictly ascending rounds"
 * @example alignByRound([{rounds:[1,2,3],values:[.1,.2,.3]},{rounds:[2,3,4],values:[.5,.6,.7]}])
 *   // => { rounds: [2, 3], columns: [[.2, .3], [.5, .6]] }
 */
export function alignByRound(
  series: readonly RoundSeries[],
  options: { missing?: "drop" | "zero" } = {},
): AlignedSeries {
  series.forEach((s) => assertWellFormed(s, "alignByRound"));
  const maps = series.map((s) => {
    const m = new Map<number, number>();
    s.rounds.forEach((r, i) => {
      const v = s.values[i] as number;
      if (Number.isFinite(v)) m.set(r, v);
    });
    return m;
  });
  let rounds: number[];
  if (options.missing === "zero") {
    const all = new Set<number>();
    maps.forEach((m) => m.forEach((_v, r) => all.add(r)));
    rounds = [...all].sort((a, b) => a - b);
  } else if (maps.length === 0) {
    rounds = [];
  } else {
    rounds = [...(maps[0] as Map<number, number>).keys()].filter((r) => maps.every((m) => m.has(r)));
    rounds.sort((a, b) => a - b);
  }
  const columns = maps.map((m) => Float64Array.from(rounds, (r) => m.get(r) ?? 0));
  return { rounds, columns };
}

/**
 * Pairwise alignment of two series: the rounds both have a finite value for, ascending.
 * @example alignPair({rounds:[1,2],values:[1,2]},{rounds:[2,3],values:[5,6]}) // => {rounds:[2], x:[2], y:[5]}
 */
export function alignPair(a: RoundSeries, b: RoundSeries): { rounds: number[]; x: Float64Array; y: Float64Array } {
  const { rounds, columns } = alignByRound([a, b]);
  return { rounds: [...rounds], x: columns[0] as Float64Array, y: columns[1] as Float64Array };
}

/**
 * Outer alignment: the union of all series' rounds, ascending, with NaN where a series has no
 * finite value for a round. The dense form pairwise statistics use to walk many pairs quickly;
 * the rounds two columns both have finite values for are exactly `alignPair`'s rounds.
 * @throws "alignOuter requires strictly ascending rounds"
 * @example alignOuter([{rounds:[1,2],values:[1,2]},{rounds:[2,3],values:[5,6]}])
 *   // => { rounds: [1, 2, 3], columns: [[1, 2, NaN], [NaN, 5, 6]] }
 */
export function alignOuter(series: readonly RoundSeries[]): AlignedSeries {
  series.forEach((s) => assertWellFormed(s, "alignOuter"));
  if (series.length > 0 && series.every((s) => sameRounds(s.rounds, (series[0] as RoundSeries).rounds))) {
    // Every series on the same rounds (the usual case): the union is those rounds, no lookups.
    const rounds = [...(series[0] as RoundSeries).rounds];
    const columns = series.map((s) => {
      const col = new Float64Array(rounds.length);
      for (let t = 0; t < col.length; t++) {
        const v = s.values[t] as number;
        col[t] = Number.isFinite(v) ? v : NaN;
      }
      return col;
    });
    return { rounds, columns };
  }
  const all = new Set<number>();
  for (const s of series) for (const r of s.rounds) all.add(r);
  const rounds = [...all].sort((a, b) => a - b);
  const index = new Map<number, number>();
  rounds.forEach((r, t) => index.set(r, t));
  const columns = series.map((s) => {
    const col = new Float64Array(rounds.length).fill(NaN);
    for (let i = 0; i < s.rounds.length; i++) {
      const v = s.values[i] as number;
      if (Number.isFinite(v)) col[index.get(s.rounds[i] as number) as number] = v;
    }
    return col;
  });
  return { rounds, columns };
}
