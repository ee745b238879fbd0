/**
 * The CLI's `--json` output: typed arrays become plain arrays and NaN becomes null, so it is
 * valid JSON at full precision. Its own module, not analyze.ts: every command prints through it,
 * and analyze.ts loads the renderers (discord.js, resvg), ~40 MB that an import or a sync must
 * not take on at the end of its run.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
      if (v instanceof Map) return Object.fromEntries(v as Map<unknown, unknown>) as unknown;
      return v;
    },
    2,
  );
}
