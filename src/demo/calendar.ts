/**
 * Numerai Classic's round calendar, for synthetic data only (the demo, and the stand-in Numerai in
 * the tests): shared/numerai-api.md §4, "Round cadence".
 *
 * - Round N ≥ 340 opens on 2022-10-25 + 7·⌊k/5⌋ + (k mod 5) days, k = N − 340 (Tuesday … Saturday),
 *   at 13:00 UTC (the 2024-05 … 2026-04 schedule; the §3 sample uses 13:00).
 * - Scores are released Tuesday to Saturday only; the first comes the next Saturday for a Tuesday
 *   round and six days after opening for a Wednesday … Saturday round; `day` runs 1…20 and the round
 *   resolves at 20:00 UTC on day 20: ~31 days after opening for Tuesday and Wednesday rounds, ~33
 *   for the others, as Numerai's docs say.
 * The formula assumes no round was ever skipped: never use it for real data.
 */

const DAY_MS = 86_400_000;
/** Round 340 opened on Tuesday 2022-10-25; the formula holds from there on. */
export const FIRST_DAILY_ROUND = 340;
const FIRST_DAILY_OPEN_MS = Date.UTC(2022, 9, 25);
const OPEN_HOUR_UTC = 13;
const CLOSE_HOUR_UTC = 14;
const RESOLVE_HOUR_UTC = 20;
/** Score releases per round (20-day scores); the round resolves with the last. */
export const SCORE_DAYS = 20;

function assertDailyRound(round: number): void {
  if (!Number.isInteger(round) || round < FIRST_DAILY_ROUND) {
    throw new RangeError(`the round-number date formula holds from round ${FIRST_DAILY_ROUND}; got ${round}`);
  }
}

/** Midnight UTC of the day round `round` opens. */
function openDayMs(round: number): number {
  assertDailyRound(round);
  const k = round - FIRST_DAILY_ROUND;
  return FIRST_DAILY_OPEN_MS + (7 * Math.floor(k / 5) + (k % 5)) * DAY_MS;
}

export function roundOpenTime(round: number): Date {
  return new Date(openDayMs(round) + OPEN_HOUR_UTC * 3_600_000);
}

/** Tue–Fri rounds close an hour after opening; the Saturday round closes Monday 14:00. */
export function roundCloseStakingTime(round: number): Date {
  const open = openDayMs(round);
  const isSaturday = new Date(open).getUTCDay() === 6;
  return new Date(open + (isSaturday ? 2 * DAY_MS : 0) + CLOSE_HOUR_UTC * 3_600_000);
}

/** Midnight UTC of the day score number `day` (1-based) of `round` is released. */
export function scoreDate(round: number, day: number): Date {
  if (!Number.isInteger(day) || day < 1) throw new RangeError(`score day must be a positive integer; got ${day}`);
  const open = openDayMs(round);
  const isTuesday = new Date(open).getUTCDay() === 2;
  let ms = open + (isTuesday ? 4 : 6) * DAY_MS;
  let n = 1;
  while (n < day) {
    ms += DAY_MS;
    const weekday = new Date(ms).getUTCDay();
    if (weekday !== 0 && weekday !== 1) n++; // no scores on Sundays and Mondays
  }
  return new Date(ms);
}

export function roundResolveTime(round: number): Date {
  return new Date(scoreDate(round, SCORE_DAYS).getTime() + RESOLVE_HOUR_UTC * 3_600_000);
}

/** The latest score day of `round` released by `now` (0 if none yet, at most 20). */
export function scoringDayAt(round: number, now: Date): number {
  let day = 0;
  while (day < SCORE_DAYS && scoreDate(round, day + 1).getTime() <= now.getTime()) day++;
  return day;
}

/** A clock for "the day `currentRound` opened", late enough that the day's scores and resolutions are out. */
export function nowForCurrentRound(currentRound: number): Date {
  return new Date(openDayMs(currentRound) + 23 * 3_600_000);
}

/**
 * The newest round open at `now` (on Sunday and Monday: Saturday's).
 * @throws RangeError before round 340 opened
 * @example latestRoundAt(new Date("2026-12-02T18:00:00Z")) // => 1411 (a Wednesday round)
 */
export function latestRoundAt(now: Date): number {
  const days = Math.floor((now.getTime() - OPEN_HOUR_UTC * 3_600_000 - FIRST_DAILY_OPEN_MS) / DAY_MS);
  if (days < 0) throw new RangeError(`round ${FIRST_DAILY_ROUND} opened on 2022-10-25; ${now.toISOString()} is before it`);
  return FIRST_DAILY_ROUND + 5 * Math.floor(days / 7) + Math.min(days % 7, 4);
}
