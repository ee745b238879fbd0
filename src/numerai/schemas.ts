/**
 * zod schemas of the `data` of each response (see queries.ts). Fields the query asks for must be
 * present (null allowed where the API's type is nullable and we can do without); anything else is a
 * malformed response. `Time` becomes a Date, `Nmr` stays the decimal string the server sent.
 */
import { z } from "zod";

const time = z.string().transform((text, ctx) => {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: "custom", message: `not a time: ${JSON.stringify(text)}` });
    return z.NEVER;
  }
  return date;
});

/** Numerai's `Nmr` scalar: "Formatted NMR strings", e.g. "7.088561343807214000". */
const nmr = z.string().regex(/^-?\d+(\.\d+)?$/, "not an NMR decimal string");

export const lookupModelData = z.object({
  v3UserProfile: z.object({ id: z.string().min(1), username: z.string().nullable() }).nullable(),
});

/** `accountProfile.models` (ModelProfile names a model `displayName`, not `name`); null profile = no such account. */
export const accountModelsData = z.object({
  accountProfile: z
    .object({ models: z.array(z.object({ id: z.string().min(1), displayName: z.string().min(1) })) })
    .nullable(),
});

const v2SubmissionScore = z.object({
  date: time.nullable(),
  day: z.number().int().nullable(),
  displayName: z.string(),
  // Every entry carries the round's payouts (0 until settled); null is a glitch, never "no payout".
  payoutPending: nmr,
  payoutSettled: nmr,
  percentile: z.number().nullable(),
  value: z.number().nullable(),
});

const v2RoundModelPerformance = z.object({
  atRisk: nmr.nullable(),
  corrMultiplier: z.number().nullable(),
  mmcMultiplier: z.number().nullable(),
  roundPayoutFactor: z.string().nullable(),
  roundNumber: z.number().int(),
  roundOpenTime: time.nullable(),
  roundResolveTime: time.nullable(),
  roundResolved: z.boolean().nullable(),
  roundTarget: z.string().nullable(),
  // numerapi checks `if perf["submissionScores"]:`, so null has been seen. A null list says nothing
  // about the scores: it is a fault (retried, then the batch fails), never "no scores". An empty
  // list is a round not scored yet, which is only credible before its payout factor is set.
  submissionScores: z.array(v2SubmissionScore),
}).superRefine((p, ctx) => {
  if (p.submissionScores.length === 0 && (p.roundPayoutFactor !== null || p.roundResolved === true)) {
    ctx.addIssue({ code: "custom", path: ["submissionScores"], message: "no scores for a round that is scored (payout factor set or resolved)" });
  }
});

export const roundPerformancesData = z.object({
  v2RoundModelPerformances: z.array(v2RoundModelPerformance),
});

/** The fields of the flat `submissionScores` rows that we use; the rest are requested but not read. */
const flatSubmissionScore = z.object({
  roundNumber: z.number().int(),
  roundResolveTime: time.nullable(),
  value: z.number().nullable(),
  percentile: z.number().nullable(),
  displayName: z.string(),
  date: time.nullable(),
  day: z.number().int().nullable(),
  resolved: z.boolean().nullable(),
});

export const submissionScoresData = z.object({
  submissionScores: z.array(flatSubmissionScore),
});

export const currentRoundData = z.object({
  rounds: z.array(z.object({ number: z.number().int() })).min(1, "no round in the answer"),
});

export const allRoundNumbersData = currentRoundData;

export const listRoundsData = z.object({
  rounds: z.array(
    z.object({
      number: z.number().int(),
      openTime: time.nullable(),
      closeStakingTime: time.nullable(),
      resolveTime: time.nullable(),
      resolvedGeneral: z.boolean().nullable(),
      resolvedStaking: z.boolean().nullable(),
      payoutFactor: z.string().nullable(),
      defaultCorrMultiplier: z.number().nullable(),
      defaultMmcMultiplier: z.number().nullable(),
    }),
  ),
});

export type V2RoundModelPerformance = z.infer<typeof v2RoundModelPerformance>;
export type V2SubmissionScore = z.infer<typeof v2SubmissionScore>;
export type FlatSubmissionScore = z.infer<typeof flatSubmissionScore>;
