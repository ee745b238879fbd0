import type { Config } from "./config/env.js";
import type { Logger } from "./logger.js";
import { openDatabase, type Store } from "./db/open.js";
import { createNumeraiClient, type NumeraiClient } from "./numerai/client.js";
import { createServices, type Services } from "./services/index.js";

/** Everything a command, job or CLI call needs: a plain object built once (MonitoRSS container shape). */
export interface AppContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: Store;
  readonly numerai: NumeraiClient;
  readonly services: Services;
  close(): Promise<void>;
}

export function createAppContext(
  config: Config,
  logger: Logger,
  overrides: { clock?: () => Date; backfillBatchRounds?: number; numeraiRetryDelays?: { baseDelayMs: number; maxDelayMs: number } } = {},
): AppContext {
  const { numeraiRetryDelays, ...serviceOverrides } = overrides;
  const store = openDatabase(config.databasePath);
  const numerai = createNumeraiClient({
    url: config.numeraiApiUrl,
    tournament: config.numeraiTournament,
    timeoutMs: config.numeraiTimeoutMs,
    concurrency: config.numeraiConcurrency,
    publicId: config.numeraiPublicId,
    secretKey: config.numeraiSecretKey,
    // The client binds { module: "numerai" } itself; binding it here too printed the key twice.
    logger,
    ...numeraiRetryDelays,
  });
  const services = createServices(store, numerai, logger, {
    tournament: config.numeraiTournament,
    syncLookbackRounds: config.syncLookbackRounds,
    seriesCacheRounds: config.seriesCacheRounds,
    ...serviceOverrides,
  });
  // Bot and CLI alike: a run left "running" by a killed process is recorded as interrupted.
  services.ingestion.markInterruptedRuns();
  let closed = false;
  return {
    config,
    logger,
    store,
    numerai,
    services,
    async close() {
      if (closed) return;
      closed = true;
      await numerai.close();
      store.close();
    },
  };
}
