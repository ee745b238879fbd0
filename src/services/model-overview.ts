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

export function createModelOverviewService(deps: ModelOverviewDeps) {
  /** Latest value per model for the first name in `names` a round has. */
  function latestBy(ids: readonly string[], names: readonly string[], fromRound: number): Map<string, Map<number, number>> {
    const out = new Map<string, Map<number, number>>();
    // Later names are fallbacks: read them first so the preferred name overwrites them.
    for (const name of [...names].reverse()) {
      for (const row of deps.reads.values(ids, name, { fromRound })) {
        let byRound = out.get(row.modelId);
        if (!byRound) out.set(row.modelId, (byRound = new Map<number, number>()));
        byRound.set(row.roundNumber, row.value);
      }
    }
    return out;
  }

  return {
    listWithLatest(userId: string): ModelOverview {
      const regs = deps.registrations.listForUser(userId);
      const chosenSource = deps.settings.get(userId).weightSource;
      if (regs.length === 0) return { rows: [], weightSource: chosenSource ?? "declared", chosenSource };
      const ids = regs.map((r) => r.id);
      const span = deps.reads.roundSpan(ids);
      const fromRound = Math.max(1, (span.last ?? 1) - LOOKBACK_ROUNDS);
      const corr = latestBy(ids, CORR_NAMES, fromRound);
      const mmc = latestBy(ids, MMC_NAMES, fromRound);
      const weights = deps.portfolio.resolveWeights({ userId }, regs, null);
      const rows = regs.map((r, i): ModelOverviewRow => {
        const c = corr.get(r.id);
        const m = mmc.get(r.id);
        const rounds = [...(c?.keys() ?? []), ...(m?.keys() ?? [])];
        const round = rounds.length > 0 ? Math.max(...rounds) : null;
        return {
          name: r.name,
          source: r.source,
          declaredWeight: r.declaredWeight,
          weight: weights.values[i] as number,
          origin: (weights.origins[i] === "explicit" ? "declared" : weights.origins[i]) ?? "equal",
          latest: round === null ? null : { round, corr: c?.get(round) ?? null, mmc: m?.get(round) ?? null },
        };
      });
      return { rows, weightSource: weights.source, chosenSource };
    },
  };
}

export type ModelOverviewService = ReturnType<typeof createModelOverviewService>;
