import type { Logger } from "../logger.js";

export interface NumeraiClientOptions {
  /** API endpoint, e.g. `https://api-tournament.numer.ai`. */
  url: string;
  /** 8 = Classic, 11 = Signals, 12 = Crypto. */
  tournament: number;
  /** Per attempt: headers and body must arrive within this time. */
  timeoutMs: number;
  /** Most requests in flight at once (retries included). */
  concurrency: number;
  publicId?: string | undefined;
  secretKey?: string | undefined;
  /** Attempts per request, the first included (default: 5 for a model look-up, 8 for the score and round queries of ingestion). */
  maxAttempts?: number;
  /** Backoff base: attempt n waits a random time in [0, min(maxDelayMs, baseDelayMs·2^(n−1))] (default 500). */
  baseDelayMs?: number;
  /** Cap on any wait between attempts, `Retry-After` included (default 30 000). */
  maxDelayMs?: number;
  logger?: Logger;
  userAgent?: string;
}

export interface ScoreEntry {
  /** `displayName`, e.g. `canon_corr`, `v2_corr20`, `mmc`. */
  name: string;
  value: number | null;
  percentile: number | null;
  day: number | null;
  date: Date | null;
  /** Only the flat `submissionScores` endpoint says; null from v2RoundModelPerformances. */
  resolved: boolean | null;
}

export interface RoundPerformance {
  roundNumber: number;
  openTime: Date | null;
  resolveTime: Date | null;
  resolved: boolean;
  /** NMR decimal string as sent (e.g. `"100.000000000000000000"`). */
  atRisk: string | null;
  corrMultiplier: number | null;
  mmcMultiplier: number | null;
  payoutFactor: string | null;
  /** The first score entry's (they repeat on every entry of a round). */
  payoutPending: string | null;
  payoutSettled: string | null;
  target: string | null;
  /** One per score name: the entry with the largest `day`. */
  scores: ScoreEntry[];
}

export interface RoundInfo {
  number: number;
  openTime: Date | null;
  closeStakingTime: Date | null;
  resolveTime: Date | null;
  resolved: boolean;
  payoutFactor: string | null;
  defaultCorrMultiplier: number | null;
  defaultMmcMultiplier: number | null;
}

export interface LookupOptions {
  /** Attempts for this request (default: the client's); 1 = no retry, to learn fast that Numerai is unreachable. */
  maxAttempts?: number;
}

export interface RoundRange {
  fromRound?: number;
  toRound?: number;
  /** Passed to the server as `lastNRounds`; its exact meaning there is unconfirmed. */
  lastNRounds?: number;
}

export type RoundStatus = "UPCOMING" | "OPEN" | "RESOLVING" | "RESOLVED";

export interface NumeraiClient {
  /** Model name → id. Names are lowercased, as Numerai's are. @throws UnknownModelError */
  lookupModel(name: string, options?: LookupOptions): Promise<{ id: string; name: string }>;
  /** An account's models (public `accountProfile`), names lowercased. @throws UnknownAccountError */
  accountModels(username: string): Promise<{ account: string; models: Array<{ id: string; name: string }> }>;
  /** Per-round performances, ascending by round number. */
  roundPerformances(modelId: string, range?: RoundRange): Promise<RoundPerformance[]>;
  /** Number of the latest round that has opened. */
  currentRound(): Promise<number>;
  /** Rounds, ascending by number (`limit` keeps the newest). */
  listRounds(opts?: { limit?: number; status?: RoundStatus }): Promise<RoundInfo[]>;
  close(): Promise<void>;
}
