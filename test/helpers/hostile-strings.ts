/**
 * Text a hostile or careless user can type into a Discord option: SQL, markdown, mentions,
 * bidirectional overrides, zero-width and lone-surrogate characters, CSV formulas, paths.
 */
export const SQL_FRAGMENTS = [
  "'; DROP TABLE scores; --",
  "\" OR 1=1 --",
  "x' OR '1'='1",
  "1; DELETE FROM registrations",
  "%",
  "_",
  "\\",
  "%' ESCAPE '\\",
  "lgbm%",
  "a_b%",
] as const;

export const MARKUP_AND_MENTIONS = [
  "@everyone",
  "@here",
  "<@300000000000000002>",
  "<@&200000000000000001>",
  "<#200000000000000002>",
  "**bold**",
  "__under__",
  "`tick`",
  "```code```",
  "||spoiler||",
  "> quote",
  "# heading",
  "[link](https://example.com)",
  "https://discord.gg/invite",
] as const;

export const UNICODE_TRAPS = [
  "\u202e", // right-to-left override
  "\u202dlgbm\u202c",
  "\u200b", // zero-width space
  "\u200d",
  "\ufeff",
  "\u2028",
  "\ud800", // lone high surrogate
  "\udfff", // lone low surrogate
  "😀",
  "👩‍👩‍👧",
  "ﷺ",
  "Ａｌｐｈａ", // full-width letters
  "İ", // lower-cases to two code points
  "\u0000",
  "\n",
  "\r\n",
  "\t",
  "عربى",
] as const;

/** CSV cells a spreadsheet would run as formulas. */
export const CSV_FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2-2", "@SUM(A1:A2)", "=HYPERLINK(\"http://evil.example\")", "\t=1", "\r=1"] as const;

export const PATH_TRAVERSALS = ["../../etc/passwd.csv", "..\\..\\windows\\win.ini.csv", "/etc/passwd.csv", "C:\\evil.csv", "scores.csv\u0000.exe", "....//....//x.csv", "%2e%2e%2fx.csv"] as const;

export const NUMBER_WORDS = ["NaN", "Infinity", "-Infinity", "-0", "1e308", "0x10", "9007199254740993", "-1", "1_000"] as const;

export const HOSTILE_TOKENS: readonly string[] = [...SQL_FRAGMENTS, ...MARKUP_AND_MENTIONS, ...UNICODE_TRAPS, ...CSV_FORMULAS, ...PATH_TRAVERSALS, ...NUMBER_WORDS];
