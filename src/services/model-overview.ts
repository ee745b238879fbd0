/**
 * /models list: each of a user's models with its latest resolved scores and the weight the
 * portfolio views use for it. Reads only; plain data out.
 */
import type { RegistrationRepository } from "../db/repositories/models.js";
import type { ScoreReadRepository } from "../db/repositories/score-reads.js";
import type { UserSettingsRepository } from "../db/repositories/models.js";
import type { WeightOrigin, WeightPolicy } from "../analytics/weights.js";
import type { PortfolioService, WeightSource } from "./portfolio.js";

export interface ModelOverviewDeps {
  readonly registrations: RegistrationRepository;
  readonly settings: UserSettingsRepository;
  readonly reads: ScoreReadRepository;
  readonly portfolio: Pick<PortfolioService, "resolveWeights">;
}

export interface LatestScores {
  readonly round: number;
  /** canon_corr (v2_corr20 for older rounds); null when that round has none. */
  readonly corr: number | null;
  /** canon_mmc (mmc for older rounds); null when that round has none. */
  readonly mmc: number | null;
}

export interface ModelOverviewRow {
  readonly name: string;
  readonly source: "numerai" | "import";
  readonly declaredWeight: number | null;
  /** The normalised weight portfolio views use, and where it came from. */
  readonly weight: number;
  readonly origin: WeightOrigin;
  readonly latest: LatestScores | null;
}

export interface ModelOverview {
  readonly rows: readonly ModelOverviewRow[];
  /** Where the weights came from, after fallbacks (declared → API stakes → equal). */
  readonly weightSource: WeightSource;
  /** What the user chose with /models weight-source, if anything. */
  readonly chosenSource: WeightPolicy | null;
}

/** How far back to look for a model's latest resolved round. */
const LOOKBACK_ROUNDS = 120;
const CORR_NAMES = ["canon_corr", "v2_corr20"] as const;
const MMC_NAMES = ["canon_mmc", "mmc"] as const;

/** Rows enough to hold every name of the newest round (one row per name at most). */
const NEWEST_ROWS = CORR_NAMES.length + MMC_NAMES.length;

export function createModelOverviewService(deps: ModelOverviewDeps) {
  /**
   * A model's latest resolved round with a corr or mmc score on or after `fromRound`, and the
   * first name of each list that round has: a few index rows per model, not its history.
   */
  function latestOf(id: string, fromRound: number): LatestScores | null {
    const rows = deps.reads.newestValues(id, [...CORR_NAMES, ...MMC_NAMES], NEWEST_ROWS);
    const round = rows[0]?.[0];
    if (round === undefined || round < fromRound) return null;
    const at = new Map(rows.filter((r) => r[0] === round).map((r) => [r[1], r[2]]));
    const first = (names: readonly string[]) => names.map((n) => at.get(n)).find((v) => v !== undefined) ?? null;
    return { round, corr: first(CORR_NAMES), mmc: first(MMC_NAMES) };
  }

  return {
    listWithLatest(userId: string): ModelOverview {
      const regs = deps.registrations.listForUser(userId);
      const chosenSource = deps.settings.get(userId).weightSource;
      if (regs.length === 0) return { rows: [], weightSource: chosenSource ?? "declared", chosenSource };
      const ids = regs.map((r) => r.id);
      const lasts = ids.map((id) => deps.reads.lastRound(id)).filter((r): r is number => r !== null);
      const fromRound = Math.max(1, (lasts.length > 0 ? Math.max(...lasts) : 1) - LOOKBACK_ROUNDS);
      const weights = deps.portfolio.resolveWeights({ userId }, regs, null);
      const rows = regs.map((r, i): ModelOverviewRow => ({
        name: r.name,
        source: r.source,
        declaredWeight: r.declaredWeight,
        weight: weights.values[i] as number,
        origin: (weights.origins[i] === "explicit" ? "declared" : weights.origins[i]) ?? "equal",
        latest: latestOf(r.id, fromRound),
      }));
      return { rows, weightSource: weights.source, chosenSource };
    },
  };
}

export type ModelOverviewService = ReturnType<typeof createModelOverviewService>;
