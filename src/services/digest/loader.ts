/**
 * Reads what a digest run needs in a few batched queries: registrations and weight choices of
 * every subscriber; each model's series comes from the series cache the portfolio service reads
 * (src/services/series.ts), so a model is read once and shared by every subscriber who holds it.
 */
import { resolvePortfolioWeights } from "../../analytics/weights.js";
import type { DigestRepository } from "../../db/repositories/digests.js";
import { weightSourceOf, type WeightSource } from "../portfolio.js";
import type { SeriesCache, TypedSeries } from "../series.js";
import { createSuggestionMemo, type DigestModelInput } from "./weekly.js";

/** Subscribers whose registrations are read together (the dispatcher's and the benchmark's batch). */
export const DIGEST_BATCH_SIZE = 500;

/**
 * Subscribers whose registrations a loader keeps at most (besides the batch being prepared): a run
 * reads them a batch at a time, and keeping every one of 100k subscribers' registrations was
 * ~90 MB of the 100k benchmark (peak RSS 343 → 254 MB). A user dropped is read again if asked for.
 */
export const MAX_HELD_USERS = 4 * DIGEST_BATCH_SIZE;

export interface SubscriberData {
  readonly models: readonly DigestModelInput[];
  readonly weights: Float64Array;
  readonly weightSource: WeightSource;
}

/**
 * Reads what a dispatch run needs in batches: registrations and weight choices of every user, and
 * each distinct model's combined score series through `series` (read once while the cache keeps
 * it, and checked against the store's score versions on every use). Weights as the portfolio
 * service resolves them (declared → API stakes → equal, unless the user chose).
 */
export function createDigestLoader(repo: DigestRepository, series: SeriesCache, options: { maxHeldUsers?: number } = {}) {
  const maxHeldUsers = options.maxHeldUsers ?? MAX_HELD_USERS;
  const registrations = new Map<string, Array<{ modelId: string; name: string; declaredWeight: number | null }>>();
  const loadedUsers = new Set<string>();
  const sources: ReturnType<DigestRepository["weightSourcesOf"]> = new Map();
  let resolveTimes: Map<number, number> | null = null;
  /** This run's walk-forward suggestions, shared by subscribers with the same models and weights. */
  const suggestions = createSuggestionMemo();
  /**
   * The models of the batch prepared last, as the series cache gave them then: the batch's
   * subscribers are built right after, so their models are not checked again one subscriber at a time.
   */
  let batch = new Map<string, { series: TypedSeries; stake: number }>();

  function readModels(ids: readonly string[]): { series: TypedSeries[]; stakes: number[] } {
    const held = ids.map((id) => batch.get(id));
    if (held.every((h) => h !== undefined)) return { series: held.map((h) => h.series), stakes: held.map((h) => h.stake) };
    return series.resolvedScores(ids);
  }

  return {
    suggestions,
    /** Loads everything these users' digests need (already loaded users and models are skipped). */
    prepare(userIds: readonly string[]): void {
      const fresh = [...new Set(userIds)].filter((u) => !loadedUsers.has(u));
      if (fresh.length === 0) return;
      for (const r of repo.registrationsOf(fresh)) {
        const list = registrations.get(r.discordUserId) ?? [];
        list.push({ modelId: r.modelId, name: r.name, declaredWeight: r.declaredWeight });
        registrations.set(r.discordUserId, list);
      }
      for (const [u, source] of repo.weightSourcesOf(fresh)) sources.set(u, source);
      for (const u of fresh) loadedUsers.add(u);
      // Oldest first (a Set keeps insertion order); this batch's users come last and stay.
      for (const u of loadedUsers) {
        if (loadedUsers.size <= Math.max(maxHeldUsers, fresh.length)) break;
        loadedUsers.delete(u);
        registrations.delete(u);
        sources.delete(u);
      }
      const ids = [...new Set(fresh.flatMap((u) => (registrations.get(u) ?? []).map((r) => r.modelId)))];
      const read = series.resolvedScores(ids);
      batch = new Map(ids.map((id, i) => [id, { series: read.series[i] as TypedSeries, stake: read.stakes[i] as number }]));
    },

    resolveTimes(): ReadonlyMap<number, number> {
      resolveTimes ??= repo.roundResolveTimes();
      return resolveTimes;
    },

    /** One user's models, series and weights (declared → API stakes → equal, unless the user chose). */
    subscriber(userId: string): SubscriberData {
      this.prepare([userId]);
      const regs = registrations.get(userId) ?? [];
      const read = readModels(regs.map((r) => r.modelId));
      const models = regs.map((r, i) => ({ name: r.name, series: read.series[i] as TypedSeries }));
      const k = regs.length;
      if (k === 0) return { models, weights: new Float64Array(0), weightSource: "equal" };
      const chosen = sources.get(userId) ?? null;
      const resolved = resolvePortfolioWeights(
        regs.map((r, i) => ({ declared: r.declaredWeight, stake: chosen === "equal" ? NaN : (read.stakes[i] as number) })),
        chosen,
      );
      return { models, weights: resolved.values, weightSource: weightSourceOf(resolved.origins) };
    },
  };
}

export type DigestLoader = ReturnType<typeof createDigestLoader>;

