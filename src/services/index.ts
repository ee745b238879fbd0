import type { Logger } from "../logger.js";
import type { Store } from "../db/open.js";
import { createDigestRepository } from "../db/repositories/digests.js";
import { createIngestionRunRepository } from "../db/repositories/ingestion-runs.js";
import {
  createModelRepository,
  createRegistrationRepository,
  createUserSettingsRepository,
} from "../db/repositories/models.js";
import { createScoreReadRepository } from "../db/repositories/score-reads.js";
import { createScoreWriter } from "../db/repositories/scores.js";
import { createIngestionService, type ScoreSource } from "./ingestion.js";
import { createAdminService } from "./admin.js";
import { createAdoptionService } from "./adopt-weights.js";
import { createAlertService } from "./alerts.js";
import { createAlertRepository } from "../db/repositories/alerts.js";
import { createDigestService } from "./digest/service.js";
import { createExportService } from "./export.js";
import { createModelOverviewService } from "./model-overview.js";
import { createPortfolioService } from "./portfolio.js";
import { createSeriesCache } from "./series.js";
import { createRegistrationService, type ModelLookup } from "./registrations.js";
import { createWhatIfService } from "./what-if.js";
import { currentProcess, type ProcessIdentity } from "../process-identity.js";

export interface ServiceOptions {
  readonly tournament: number;
  readonly syncLookbackRounds: number;
  readonly backfillBatchRounds?: number;
  readonly importBatchRows?: number;
  readonly clock?: () => Date;
  /** Model-rounds the series cache keeps (default: its own bound). */
  readonly seriesCacheRounds?: number | undefined;
  /** The process recorded on ingestion runs (default: this one). */
  readonly owner?: ProcessIdentity;
}

/** Repositories and services over one store and one score source: the plain-object container (no DI library). */
export function createServices(store: Store, source: ScoreSource & ModelLookup, logger: Logger, options: ServiceOptions) {
  const repos = {
    models: createModelRepository(store.db, options.tournament),
    registrations: createRegistrationRepository(store.db, options.tournament),
    settings: createUserSettingsRepository(store.db),
    runs: createIngestionRunRepository(store.db, options.owner ?? currentProcess()),
    reads: createScoreReadRepository(store.db, options.tournament),
    writer: createScoreWriter(store.sqlite, options.tournament),
  };
  const ingestion = createIngestionService({
    store,
    source,
    logger,
    ...repos,
    syncLookbackRounds: options.syncLookbackRounds,
    ...(options.backfillBatchRounds !== undefined ? { backfillBatchRounds: options.backfillBatchRounds } : {}),
    ...(options.importBatchRows !== undefined ? { importBatchRows: options.importBatchRows } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const registrations = createRegistrationService({ lookup: source, logger, ...repos });
  // One series cache for every reader of scores: a model is read once for commands and digests alike.
  const series = createSeriesCache(repos.reads, options.seriesCacheRounds !== undefined ? { maxCachedRounds: options.seriesCacheRounds } : {});
  const portfolio = createPortfolioService({ ...repos, series });
  // The digest service owns its repository: nothing else reads subscriptions through `repos`.
  const digest = createDigestService({ digests: createDigestRepository(store, options.tournament), series, portfolio, settings: repos.settings, registrations: repos.registrations, logger });
  const alerts = createAlertService({ alerts: createAlertRepository(store, options.tournament), portfolio, logger });
  const modelOverview = createModelOverviewService({ ...repos, portfolio });
  const admin = createAdminService({ store, logger, ...repos, ...(options.clock ? { clock: options.clock } : {}) });
  const exporter = createExportService(repos);
  const whatIf = createWhatIfService({ portfolio, reads: repos.reads });
  const adoption = createAdoptionService({ portfolio, registrations, settings: repos.settings });
  return { repos, series, ingestion, registrations, portfolio, digest, alerts, modelOverview, admin, exporter, whatIf, adoption };
}

export type Services = ReturnType<typeof createServices>;
