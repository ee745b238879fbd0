/**
 * Shortening a set of names so they stay apart. Numerai model names of one participant often
 * share a long prefix and differ at the end (v52_lgbm_teager2b60, v52_lgbm_teager2b20), so
 * cutting the end makes them identical; cutting the middle keeps the part that tells them apart.
 * One function for every table and chart, so no renderer can shorten its own way.
 */

export const ELLIPSIS = "…";
/** Share of a cut name's kept characters that come from its start. */
const HEAD_SHARE = 0.6;

/** Width of a string in a monospace code block: code points. */
export const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const partsOf = (s: string): string[] => Array.from(graphemes.segment(s), (g) => g.segment);

interface Cut {
  readonly text: string;
  readonly head: string;
  readonly tail: string;
}

/**
 * Middle cuts of `parts` within `max`, as head + "…" + tail: first the longest cut with about
 * `headShare` of it in the head, then, head length by head length outwards from that one, the
 * longest tail each head leaves room for (so a collision can move the cut).
 */
function middleCuts(parts: readonly string[], max: number, width: (s: string) => number, headShare: number, firstOnly: boolean): Cut[] {
  const n = parts.length;
  const cut = (h: number, t: number): Cut => {
    const head = parts.slice(0, h).join("");
    const tail = parts.slice(n - t).join("");
    return { text: head + ELLIPSIS + tail, head, tail };
  };
  const fits = (h: number, t: number) => width(cut(h, t).text) <= max;
  // Widths are not uniform in a chart: try total lengths downwards for the preferred split.
  let h0 = 0;
  for (let total = n - 1; total >= 1; total--) {
    const h = Math.min(total, Math.round(total * headShare));
    if (fits(h, total - h)) {
      h0 = h;
      break;
    }
  }
  const heads = [h0];
  for (let d = 1; d < n; d++) {
    if (h0 - d >= 0) heads.push(h0 - d);
    if (h0 + d <= n - 1) heads.push(h0 + d);
  }
  const out: Cut[] = [];
  for (const h of heads) {
    if (!fits(h, 0)) continue;
    // The longest tail that still fits (width grows with the tail): binary search.
    let lo = 0;
    let hi = n - 1 - h;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (fits(h, mid)) lo = mid;
      else hi = mid - 1;
    }
    if (h + lo >= 1) out.push(cut(h, lo));
    if (firstOnly && out.length > 0) break;
  }
  return out;
}

/** Could a reader take `cut` for `name`? */
const couldBe = (cut: Cut, name: string): boolean =>
  name.length > cut.head.length + cut.tail.length && name.startsWith(cut.head) && name.endsWith(cut.tail);

/**
 * Shortened forms of `names`, each at most `max` wide by `width`, such that distinct names
 * always get distinct forms (equal names get equal ones) and no cut could be read as another
 * cut name. A name that fits is kept whole; a longer one is cut in the middle (about 60% head,
 * 40% tail). Names whose cuts are ambiguous move their cut together to the first split that
 * tells them apart; when no split within `max` does, they are numbered by their position in
 * `names` ("head…#3"); and if even that collides (names that themselves contain "…#"), every
 * name is returned whole — uniqueness wins over width.
 * @example shortenNames(["v52_lgbm_teager2b60", "v52_lgbm_teager2b20"], 12) // => ["v52_lgb…2b60", "v52_lgb…2b20"]
 */
export function shortenNames(names: readonly string[], max: number, width: (s: string) => number = codePoints): string[] {
  const distinct = [...new Set(names)];
  // Every split of a name is only worked out when its first cut is ambiguous (most never are).
  const allCuts = new Map<string, Cut[]>();
  const candidatesOf = (name: string): Cut[] => {
    let list = allCuts.get(name);
    if (!list) allCuts.set(name, (list = middleCuts(partsOf(name), max, width, HEAD_SHARE, false)));
    return list;
  };
  const chosen = new Map<string, string>();
  const cutOf = new Map<string, Cut>();
  for (const name of distinct) {
    const first = width(name) <= max ? undefined : middleCuts(partsOf(name), max, width, HEAD_SHARE, true)[0];
    chosen.set(name, first ? first.text : name);
    if (first) cutOf.set(name, first);
  }
  const cutNames = distinct.filter((n) => cutOf.has(n));
  const clashes = (name: string, cut: Cut, among: readonly string[]) =>
    among.some((o) => o !== name && (couldBe(cut, o) || chosen.get(o) === cut.text));
  const ambiguous = () => cutNames.filter((n) => clashes(n, cutOf.get(n) as Cut, distinct));
  const anyAmbiguous = () => cutNames.some((n) => clashes(n, cutOf.get(n) as Cut, distinct));

  // Ambiguous names move together, split by split, so each shows its distinguishing part the same way.
  const group = ambiguous();
  if (group.length > 0) {
    const longest = Math.max(...group.map((g) => (candidatesOf(g)).length));
    for (let i = 1; i < longest; i++) {
      const trial = group.map((g) => {
        const list = candidatesOf(g);
        return list[Math.min(i, list.length - 1)] as Cut;
      });
      const before = group.map((g) => cutOf.get(g) as Cut);
      group.forEach((g, j) => {
        cutOf.set(g, trial[j] as Cut);
        chosen.set(g, (trial[j] as Cut).text);
      });
      if (!anyAmbiguous()) break;
      group.forEach((g, j) => {
        cutOf.set(g, before[j] as Cut);
        chosen.set(g, (before[j] as Cut).text);
      });
    }
  }
  // What no split tells apart is numbered by position.
  for (const name of ambiguous()) {
    const tag = `${ELLIPSIS}#${names.indexOf(name) + 1}`;
    const parts = partsOf(name);
    let head = parts.length;
    while (head > 0 && width(parts.slice(0, head).join("") + tag) > max) head--;
    chosen.set(name, parts.slice(0, head).join("") + tag);
  }
  if (new Set(chosen.values()).size < distinct.length) return [...names];
  return names.map((n) => chosen.get(n) as string);
}
