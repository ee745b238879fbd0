/**
 * When a weekly digest is due: a weekday and an hour on the subscriber's wall clock, in an IANA
 * time zone. Offsets and daylight-saving rules come from the platform's time zone database
 * (`Intl`, full ICU in Node 20); only calendar-date arithmetic is done here.
 */

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
const MINUTE_MS = 60_000;

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

/** Every IANA zone the runtime knows, UTC first (for autocomplete). */
export const TIME_ZONES: readonly string[] = (() => {
  try {
    return ["UTC", ...Intl.supportedValuesOf("timeZone").filter((z) => z !== "UTC")];
  } catch {
    return ["UTC"];
  }
})();

// One formatter per zone: building an Intl.DateTimeFormat costs far more than using one.
const wallFormatters = new Map<string, Intl.DateTimeFormat>();
const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

function cached(map: Map<string, Intl.DateTimeFormat>, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let f = map.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, ...options });
    map.set(timeZone, f);
  }
  return f;
}

export interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** Wall-clock time at instant `ms` in `timeZone`. */
export function localTime(ms: number, timeZone: string): LocalTime {
  const f = cached(wallFormatters, timeZone, {
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(ms))) if (p.type !== "literal") parts[p.type] = Number(p.value);
  return {
    year: parts.year as number,
    month: parts.month as number,
    day: parts.day as number,
    hour: (parts.hour as number) % 24,
    minute: parts.minute as number,
    second: parts.second as number,
  };
}

/** The local calendar date at `at` in `timeZone`, as YYYY-MM-DD. */
export function localDate(at: Date, timeZone: string): string {
  return isoDate(localTime(at.getTime(), timeZone));
}

/**
 * UTC offset of `timeZone` at instant `ms`, in minutes (local − UTC), as the time zone database
 * states it (Intl's `longOffset` name: "GMT+05:30", "GMT-04:00", "GMT" for zero).
 * @example utcOffsetMinutes(Date.UTC(2026, 0, 1), "Asia/Kolkata") // => 330
 */
export function utcOffsetMinutes(ms: number, timeZone: string): number {
  const name = cached(offsetFormatters, timeZone, { timeZoneName: "longOffset" })
    .formatToParts(new Date(ms))
    .find((p) => p.type === "timeZoneName")?.value;
  const m = /^GMT(?:([+\-\u2212])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$/.exec(name ?? "");
  if (!m) throw new Error(`utcOffsetMinutes cannot read the offset "${name ?? ""}" of ${timeZone}`);
  if (!m[1]) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0) + Number(m[4] ?? 0) / 60;
  return m[1] === "+" ? minutes : -minutes;
}

/**
 * The instant when the wall clock in `timeZone` shows `hour`:00 on the given date. A time the
 * clocks skip (spring forward) maps to the first instant after the gap; a repeated time (fall
 * back) to its first occurrence.
 */
export function zonedInstant(year: number, month: number, day: number, hour: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, hour);
  // Every offset in force within a day of that wall time: a transition in between gives two.
  const offsets = [...new Set([wall - DAY_MS, wall, wall + DAY_MS].map((t) => utcOffsetMinutes(t, timeZone)))];
  // An instant is a real occurrence when the zone's offset at that instant is the one assumed.
  const occurrences = offsets.map((o) => wall - o * MINUTE_MS).filter((t) => wall - t === utcOffsetMinutes(t, timeZone) * MINUTE_MS);
  if (occurrences.length > 0) return Math.min(...occurrences);
  // Skipped: read with the smaller offset (the one before the clocks moved forward), it lands just past the gap.
  return wall - Math.min(...offsets) * MINUTE_MS;
}

interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a calendar date. */
function isoWeekday(d: CalendarDate): number {
  const w = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
  return w === 0 ? 7 : w;
}

function addDays(d: CalendarDate, days: number): CalendarDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day) + days * DAY_MS);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

const isoDate = (d: CalendarDate) =>
  `${String(d.year).padStart(4, "0")}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;

function parseIsoDate(week: string): CalendarDate {
  const [year, month, day] = week.split("-").map(Number) as [number, number, number];
  return { year, month, day };
}

/** One scheduled digest: when it is due, and its week key (the local date of that time). */
export interface Occurrence {
  readonly at: Date;
  /** YYYY-MM-DD in the subscriber's timezone: the ledger's week key and the thread title's date. */
  readonly week: string;
}

function occurrenceOn(date: CalendarDate, s: DigestSchedule): Occurrence {
  return { at: new Date(zonedInstant(date.year, date.month, date.day, s.hour, s.timezone)), week: isoDate(date) };
}

/** The latest scheduled time at or before `now`. */
export function latestOccurrence(now: Date, s: DigestSchedule): Occurrence {
  const today = localTime(now.getTime(), s.timezone);
  let date = addDays(today, -((isoWeekday(today) - s.weekday + 7) % 7));
  let occ = occurrenceOn(date, s);
  if (occ.at.getTime() > now.getTime()) {
    date = addDays(date, -7);
    occ = occurrenceOn(date, s);
  }
  return occ;
}

/** The scheduled time one week before `occ`. */
export function previousOccurrence(occ: Occurrence, s: DigestSchedule): Occurrence {
  return occurrenceOn(addDays(parseIsoDate(occ.week), -7), s);
}

/** The first scheduled time strictly after `now`. */
export function nextOccurrence(now: Date, s: DigestSchedule): Occurrence {
  return occurrenceOn(addDays(parseIsoDate(latestOccurrence(now, s).week), 7), s);
}
