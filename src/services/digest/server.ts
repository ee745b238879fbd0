/**
 * Digests built from a prepared loader: one subscriber's, and a server's (every opted-in member's
 * digest beside the within- vs across-member correlation view).
 */
import type { UserSettingsRepository } from "../../db/repositories/models.js";
import { UserFacingError } from "../../errors.js";
import type { PortfolioService } from "../portfolio.js";
import type { DigestLoader } from "./loader.js";
import { createRoundAxisCache, type RoundAxisCache } from "./round-axis.js";
import { WEEK_MS } from "./schedule.js";
import { buildWeeklyDigest, type DigestOptions, type WeeklyDigest } from "./weekly.js";

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

/** Each loader's (each run's) round-axis cache: what a model's digests share is worked out once per run. */
const axisCaches = new WeakMap<DigestLoader, RoundAxisCache>();

function axisCacheOf(loader: DigestLoader): RoundAxisCache {
  let cache = axisCaches.get(loader);
  if (!cache) {
    cache = createRoundAxisCache();
    axisCaches.set(loader, cache);
  }
  return cache;
}

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
    suggestions: loader.suggestions,
    axisCache: axisCacheOf(loader),
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
  return { guildId, periodStart: new Date(at.getTime() - WEEK_MS), periodEnd: at, members, diversity };
}
