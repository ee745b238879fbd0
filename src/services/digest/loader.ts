/**
 * Reads what a digest run needs in a few batched queries: registrations and weight choices of
 * every subscriber, and each distinct model's combined score series once, shared by every
 * subscriber who holds it, within a memory bound.
 */
import { PAYOUT_RULES, roundScore } from "../../analytics/payout-rules.js";
import { resolvePortfolioWeights } from "../../analytics/weights.js";
import type { DigestRepository } from "../../db/repositories/digests.js";
import { weightSourceOf, type WeightSource } from "../portfolio.js";
import { WeightedLru } from "../weighted-lru.js";
import { createSuggestionMemo, type DigestModelInput } from "./weekly.js";

/** Score names the combined score can draw on in any payout period. */
const COMBINED_NAMES = [...new Set(PAYOUT_RULES.flatMap((r) => [...r.corrNames, ...r.mmcNames]))];
const NAME_INDEX = new Map(COMBINED_NAMES.map((n, i) => [n, i]));

/** Subscribers whose registrations are read together (the dispatcher's and the benchmark's batch). */
export const DIGEST_BATCH_SIZE = 500;

/**
 * Subscribers whose registrations a loader keeps at most (besides the batch being prepared): a run
 * reads them a batch at a time, and keeping every one of 100k subscribers' registrations was
 * ~90 MB of the 100k benchmark (peak RSS 343 → 254 MB). A user dropped is read again if asked for.
 */
export const MAX_HELD_USERS = 4 * DIGEST_BATCH_SIZE;

/** Score values a loader keeps in memory at most (~12 bytes each): bounds a run's memory however many models it meets. */
export const DEFAULT_MAX_CACHED_VALUES = 4_000_000;

interface CachedModel {
  readonly rounds: Int32Array;
  readonly values: Float64Array;
  /** Latest stake at risk (NMR), NaN when unknown. */
  readonly atRisk: number;
}

export interface SubscriberData {
  readonly models: readonly DigestModelInput[];
  readonly weights: Float64Array;
  readonly weightSource: WeightSource;
}

/**
 * Reads what a dispatch run needs in batches: registrations and weight choices of every user, and
 * each distinct model's combined score series once (shared by every subscriber who has it).
 * Mirrors `buildSeries(…, { kind: "score" })` and `resolveWeights` of the portfolio service
 * (tests hold them equal) without their per-user queries. To be folded into src/services/series.ts
 * as its batched, cached reader.
 */
export function createDigestLoader(repo: DigestRepository, options: { maxCachedValues?: number; maxHeldUsers?: number } = {}) {
  const maxHeldUsers = options.maxHeldUsers ?? MAX_HELD_USERS;
  const cache = new WeightedLru<CachedModel>(options.maxCachedValues ?? DEFAULT_MAX_CACHED_VALUES, (m) => m.values.length);
  const registrations = new Map<string, Array<{ modelId: string; name: string; declaredWeight: number | null }>>();
  const loadedUsers = new Set<string>();
  const sources: ReturnType<DigestRepository["weightSourcesOf"]> = new Map();
  let resolveTimes: Map<number, number> | null = null;
  /** This run's walk-forward suggestions, shared by subscribers with the same models and weights. */
  const suggestions = createSuggestionMemo();

  /** Latest finite stake at risk (what the portfolio service's API weights use), NaN when none. */
  function latestStake(modelId: string): number {
    for (const limit of [5, Number.MAX_SAFE_INTEGER]) {
      const stakes = repo.latestStakes(modelId, limit);
      for (const text of stakes) {
        const v = Number(text);
        if (Number.isFinite(v)) return v;
      }
      if (stakes.length < limit) break;
    }
    return NaN;
  }

  /**
   * One model's combined score per round: corr × corrMultiplier + mmc × mmcMultiplier with the
   * round's own multipliers (the payout period's when missing), the period's preferred score names.
   */
  function loadModel(modelId: string): CachedModel {
    // Only rounds whose stated multipliers differ from their period's; every other round uses the period's.
    const facts = repo.modelMultipliers(modelId, PAYOUT_RULES);
    const cells = repo.modelScoreColumns(modelId, COMBINED_NAMES);
    const slots = new Float64Array(COMBINED_NAMES.length);
    const outRounds: number[] = [];
    const outValues: number[] = [];
    // One lookup for the whole model (it reads the current round's slots): a closure per round was a tenth of a run.
    const slot = (name: string): number | undefined => {
      const v = slots[NAME_INDEX.get(name) as number] as number;
      return Number.isNaN(v) ? undefined : v;
    };
    const n = cells.rounds.length;
    let f = 0;
    let c = 0;
    while (c < n) {
      const round = cells.rounds[c] as number;
      slots.fill(NaN);
      for (; c < n && cells.rounds[c] === round; c++) slots[cells.codes[c] as number] = cells.values[c] as number;
      while (f < facts.length && (facts[f] as [number, number | null, number | null])[0] < round) f++;
      const fact = f < facts.length && (facts[f] as [number, number | null, number | null])[0] === round ? (facts[f] as [number, number | null, number | null]) : null;
      const scored = roundScore(round, fact ? { corr: fact[1], mmc: fact[2] } : null, slot);
      if (!Number.isNaN(scored.value)) {
        outRounds.push(round);
        outValues.push(scored.value);
      }
    }
    return { rounds: Int32Array.from(outRounds), values: Float64Array.from(outValues), atRisk: latestStake(modelId) };
  }

  function loadModels(modelIds: readonly string[]): void {
    for (const id of modelIds) if (!cache.has(id)) cache.set(id, loadModel(id));
  }

  function modelOf(id: string): CachedModel {
    const hit = cache.get(id);
    if (hit) return hit;
    const loaded = loadModel(id);
    cache.set(id, loaded);
    return loaded;
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
      loadModels([...new Set(fresh.flatMap((u) => (registrations.get(u) ?? []).map((r) => r.modelId)))]);
    },

    resolveTimes(): ReadonlyMap<number, number> {
      resolveTimes ??= repo.roundResolveTimes();
      return resolveTimes;
    },

    /** One user's models, series and weights (declared → API stakes → equal, unless the user chose). */
    subscriber(userId: string): SubscriberData {
      this.prepare([userId]);
      const regs = registrations.get(userId) ?? [];
      const cached = regs.map((r) => modelOf(r.modelId));
      const models = regs.map((r, i) => {
        const c = cached[i] as CachedModel;
        return { name: r.name, series: { rounds: c.rounds, values: c.values } };
      });
      const k = regs.length;
      if (k === 0) return { models, weights: new Float64Array(0), weightSource: "equal" };
      const chosen = sources.get(userId) ?? null;
      const resolved = resolvePortfolioWeights(
        regs.map((r, i) => ({ declared: r.declaredWeight, stake: chosen === "equal" ? NaN : (cached[i] as CachedModel).atRisk })),
        chosen,
      );
      return { models, weights: resolved.values, weightSource: weightSourceOf(resolved.origins) };
    },

    /** How many distinct models are held in memory (for progress logs and the benchmark). */
    get cachedModels(): number {
      return cache.size;
    },
  };
}

export type DigestLoader = ReturnType<typeof createDigestLoader>;

