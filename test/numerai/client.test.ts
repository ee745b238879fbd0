/**
 * The Numerai client against the fake server (test/helpers/fake-numerai.ts), which speaks the wire
 * format of ../shared/numerai-api.md. Delays are kept tiny (baseDelayMs 1, maxDelayMs 5) except
 * in the one test that checks `Retry-After`.
 */
import { readFileSync } from "node:fs";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createGraphQLTransport, createNumeraiClient, isFieldRemovedError, parseRetryAfter, type NumeraiClientOptions } from "../../src/numerai/client.js";
import {
  NumeraiClosedError,
  NumeraiError,
  NumeraiGraphQLError,
  NumeraiHttpError,
  NumeraiResponseError,
  NumeraiTimeoutError,
  UnknownAccountError,
  UnknownModelError,
} from "../../src/numerai/errors.js";
import { lookupModelData } from "../../src/numerai/schemas.js";
import type { Logger } from "../../src/logger.js";
import { startFakeNumerai, type FakeModel, type FakeNumerai, type FakeNumeraiOptions, type FaultKind } from "../helpers/fake-numerai.js";
import { formatTime, scoreDate, syntheticModels } from "../helpers/synthetic-scores.js";
import { waitUntil } from "../helpers/wait.js";

const CURRENT_ROUND = 1219;
const models = syntheticModels({ names: ["integration_test", "gappy_model", "late_model"], fromRound: 1180, toRound: CURRENT_ROUND, seed: 7, currentRound: CURRENT_ROUND });
const [integrationTest, gappyModel] = models as [FakeModel, FakeModel, FakeModel];

/** A model with a tiny score (exponent form on the wire) and a repeated score name (days 19 and 20). */
const quirkyModel: FakeModel = {
  name: "quirky",
  id: "6d99fd48-cb99-409f-966f-fe6a75ea2a34",
  rounds: [
    {
      roundNumber: 1190,
      openTime: "2026-01-27T13:00:00Z",
      resolveTime: "2026-02-27T20:00:00Z",
      resolved: true,
      atRisk: "7.088561343807214000",
      corrMultiplier: 0.75,
      mmcMultiplier: 2.25,
      payoutFactor: "0.092335072311476494",
      target: null,
      scores: [
        { displayName: "mmc", value: -5.490772884181891e-4, percentile: 0.41, day: 20, date: formatTime(scoreDate(1190, 20)), payoutPending: "-0.000876000000000000", payoutSettled: "-0.000876000000000000" },
        { displayName: "canon_mmc", value: 4.036320203754083e-4, percentile: 0.5198399085191538, day: 20, date: formatTime(scoreDate(1190, 20)), payoutPending: "-0.000876000000000000", payoutSettled: "-0.000876000000000000" },
        { displayName: "canon_mmc", value: 0.5, percentile: 0.9, day: 19, date: formatTime(scoreDate(1190, 19)), payoutPending: "-0.000876000000000000", payoutSettled: "-0.000876000000000000" },
      ],
    },
  ],
};

const allModels = [...models, quirkyModel];

/** A real pino logger writing JSON lines into memory. */
function captureLogs() {
  const raw: string[] = [];
  const logger: Logger = pino({ level: "debug" }, { write: (line: string) => void raw.push(line) });
  return {
    logger,
    text: () => raw.join(""),
    get lines() {
      return raw.map((l) => JSON.parse(l) as Record<string, unknown>);
    },
  };
}

const open: Array<{ close(): Promise<void> }> = [];

async function setup(fakeOpts: Partial<FakeNumeraiOptions> = {}, clientOpts: Partial<NumeraiClientOptions> = {}) {
  const fake = await startFakeNumerai({ models: allModels, currentRound: CURRENT_ROUND, ...fakeOpts });
  const logs = captureLogs();
  const options: NumeraiClientOptions = { url: fake.url, tournament: 8, timeoutMs: 2000, concurrency: 4, maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 5, logger: logs.logger, ...clientOpts };
  const client = createNumeraiClient(options);
  open.push(client, fake);
  return { fake, client, logs, options };
}

afterEach(async () => {
  while (open.length > 0) await open.pop()!.close();
});

const fields = (fake: FakeNumerai) => fake.requests.map((r) => r.field);
const variablesOf = (fake: FakeNumerai, i: number) => (fake.requests[i]!.body as { variables: Record<string, unknown> }).variables;

describe("accountModels", () => {
  const owned = allModels.map((m) => ({ ...m, account: m.name === "late_model" ? "someone_else" : "benchmark_models" }));

  it("lists an account's models by displayName with numerapi's models_of_account query, no token", async () => {
    const { client, fake } = await setup({ models: owned });
    await expect(client.accountModels("benchmark_models")).resolves.toEqual({
      account: "benchmark_models",
      models: owned.filter((m) => m.account === "benchmark_models").map((m) => ({ id: m.id, name: m.name })),
    });
    expect(fields(fake)).toEqual(["accountProfile"]);
    expect(variablesOf(fake, 0)).toEqual({ username: "benchmark_models", tournament: 8 });
    expect(fake.requests[0]?.headers.authorization).toBeUndefined();
  });

  it.each(["null", "error"] as const)("throws UnknownAccountError for an unknown account in the %s style, without retrying", async (style) => {
    const { client, fake } = await setup({ models: owned, unknownModelStyle: style });
    const error = await client.accountModels("nobody").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownAccountError);
    expect((error as Error).message).toBe("no Numerai account called nobody");
    expect(fake.requests).toHaveLength(1);
  });

  it.each(["500", "null-fields", "truncated", "graphql-internal"] as const)("retries a %s answer and then lists the models", async (kind) => {
    const { client, fake } = await setup({ models: owned, faults: { rate: 0, kinds: [], sequence: [kind] } });
    expect((await client.accountModels("benchmark_models")).models).toHaveLength(3);
    expect(fake.requests).toHaveLength(2);
  });
});

describe("lookupModel with maxAttempts: 1", () => {
  it("asks once and passes the fault on, to learn fast that Numerai is unreachable", async () => {
    const { client, fake } = await setup({ faults: { rate: 1, kinds: ["500"] } });
    await expect(client.lookupModel("integration_test", { maxAttempts: 1 })).rejects.toBeInstanceOf(NumeraiHttpError);
    expect(fake.requests).toHaveLength(1);
  });
});

describe("lookupModel", () => {
  it("finds a model's id by its name, lowercased as Numerai's names are", async () => {
    const { client, fake } = await setup();
    await expect(client.lookupModel(" Integration_Test ")).resolves.toEqual({ id: integrationTest.id, name: "integration_test" });
    expect(variablesOf(fake, 0)).toEqual({ modelName: "integration_test" });
    expect(fields(fake)).toEqual(["v3UserProfile"]);
  });

  it.each(["null", "error"] as const)("throws UnknownModelError for an unknown name when the server answers in the %s style, without retrying", async (style) => {
    const { client, fake } = await setup({ unknownModelStyle: style });
    const error = await client.lookupModel("NoSuchModel").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownModelError);
    expect((error as Error).message).toBe("no Numerai model called NoSuchModel");
    expect(fake.requests).toHaveLength(1);
  });

  it("retries an `Internal server error` answer and finds the model", async () => {
    const { client, fake, logs } = await setup({ faults: { rate: 0, kinds: [], sequence: ["graphql-internal", "graphql-internal"] } });
    await expect(client.lookupModel("integration_test")).resolves.toEqual({ id: integrationTest.id, name: "integration_test" });
    expect(fake.requests).toHaveLength(3);
    expect(logs.lines.filter((l) => l.level === 40)).toEqual([
      expect.objectContaining({ operation: "v3UserProfile", attempt: 1, error: "NumeraiGraphQLError", reason: "Internal server error" }),
      expect.objectContaining({ operation: "v3UserProfile", attempt: 2, error: "NumeraiGraphQLError", reason: "Internal server error" }),
    ]);
  });

  it("never says a model does not exist when the server only failed: a lasting internal error surfaces as itself", async () => {
    const { client, fake } = await setup({ faults: { rate: 1, kinds: ["graphql-internal"] } }, { maxAttempts: 3 });
    const error = await client.lookupModel("integration_test").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NumeraiGraphQLError);
    expect(error).not.toBeInstanceOf(UnknownModelError);
    expect((error as Error).message).toBe("Internal server error");
    expect(fake.requests).toHaveLength(3);
  });

  it("does not send an empty name", async () => {
    const { client, fake } = await setup();
    await expect(client.lookupModel("  ")).rejects.toBeInstanceOf(UnknownModelError);
    expect(fake.requests).toHaveLength(0);
  });
});

describe("roundPerformances", () => {
  it("parses every round of a model, ascending, although the server sends them newest first", async () => {
    const { client } = await setup();
    const perfs = await client.roundPerformances(integrationTest.id);
    expect(perfs.map((p) => p.roundNumber)).toEqual(integrationTest.rounds.map((r) => r.roundNumber).sort((a, b) => a - b));
    for (const p of perfs) {
      const source = integrationTest.rounds.find((r) => r.roundNumber === p.roundNumber)!;
      expect(p).toMatchObject({
        openTime: new Date(source.openTime),
        resolveTime: new Date(source.resolveTime),
        resolved: source.resolved,
        atRisk: source.atRisk,
        corrMultiplier: source.corrMultiplier,
        mmcMultiplier: source.mmcMultiplier,
        payoutFactor: source.payoutFactor,
        payoutPending: source.scores[0]?.payoutPending ?? null,
        payoutSettled: source.scores[0]?.payoutSettled ?? null,
        target: null,
      });
      expect(p.scores).toEqual(
        source.scores.map((s) => ({ name: s.displayName, value: s.value, percentile: s.percentile, day: s.day, date: new Date(s.date), resolved: null })),
      );
    }
  });

  it("reads exponent-form floats, keeps NMR strings as sent, and keeps the latest day of a repeated score", async () => {
    const { client } = await setup();
    const [round] = await client.roundPerformances(quirkyModel.id);
    expect(round!.atRisk).toBe("7.088561343807214000");
    expect(round!.payoutFactor).toBe("0.092335072311476494");
    expect(round!.scores).toEqual([
      { name: "canon_mmc", value: 4.036320203754083e-4, percentile: 0.5198399085191538, day: 20, date: scoreDate(1190, 20), resolved: null },
      { name: "mmc", value: -5.490772884181891e-4, percentile: 0.41, day: 20, date: scoreDate(1190, 20), resolved: null },
    ]);
  });

  it("sends the round range as roundNumberGte/roundNumberLte and gets only those rounds", async () => {
    const { client, fake } = await setup();
    const perfs = await client.roundPerformances(gappyModel.id, { fromRound: 1190, toRound: 1200 });
    expect(variablesOf(fake, 0)).toMatchObject({ modelId: gappyModel.id, tournament: 8, roundNumberGte: 1190, roundNumberLte: 1200, lastNRounds: null });
    const expected = gappyModel.rounds.map((r) => r.roundNumber).filter((n) => n >= 1190 && n <= 1200);
    expect(perfs.map((p) => p.roundNumber)).toEqual(expected);
    expect(expected.length).toBeLessThan(11); // this seed leaves a gap inside the range
  });

  it("passes lastNRounds through", async () => {
    const { client, fake } = await setup();
    const perfs = await client.roundPerformances(integrationTest.id, { lastNRounds: 5 });
    expect(variablesOf(fake, 0)).toMatchObject({ lastNRounds: 5, roundNumberGte: null });
    expect(perfs.map((p) => p.roundNumber)).toEqual([1215, 1216, 1217, 1218, 1219]);
  });

  it("falls back to the flat submissionScores query when v2RoundModelPerformances is gone, and remembers it", async () => {
    const { client, fake, logs } = await setup({ v2Removed: true });
    const perfs = await client.roundPerformances(integrationTest.id, { fromRound: 1200 });
    expect(fields(fake)).toEqual(["v2RoundModelPerformances", "submissionScores"]);
    const expected = integrationTest.rounds.filter((r) => r.roundNumber >= 1200 && r.scores.length > 0);
    expect(perfs.map((p) => p.roundNumber)).toEqual(expected.map((r) => r.roundNumber));
    for (const p of perfs) {
      const source = expected.find((r) => r.roundNumber === p.roundNumber)!;
      expect(p).toMatchObject({ openTime: null, atRisk: null, corrMultiplier: null, payoutFactor: null, payoutPending: null, resolved: source.resolved, resolveTime: new Date(source.resolveTime) });
      // The fake's history also has day − 1 for each score; only the latest day is kept.
      expect(p.scores).toEqual(
        source.scores.map((s) => ({ name: s.displayName, value: s.value, percentile: s.percentile, day: s.day, date: new Date(s.date), resolved: source.resolved })),
      );
    }
    await client.roundPerformances(integrationTest.id);
    expect(fields(fake)).toEqual(["v2RoundModelPerformances", "submissionScores", "submissionScores"]);
    expect(logs.lines.filter((l) => String(l.msg).includes("using submissionScores"))).toHaveLength(1);
  });

  it("treats a 200 answer with null required fields as malformed and retries it", async () => {
    const { client, fake } = await setup({ faults: { rate: 0, kinds: [], sequence: ["null-fields"] } });
    const perfs = await client.roundPerformances(integrationTest.id, { fromRound: 1218 });
    expect(perfs.map((p) => p.roundNumber)).toEqual([1218, 1219]);
    expect(fake.requests).toHaveLength(2);
  });

  it.each<FaultKind>(["null-scores", "null-payouts", "empty-scores", "graphql-internal"])(
    "treats a %s answer as a fault: retries it and returns what a fault-free answer holds",
    async (kind) => {
      const { client: reference } = await setup();
      const want = await reference.roundPerformances(integrationTest.id, { fromRound: 1200, toRound: 1210 });
      const { client, fake, logs } = await setup({ faults: { rate: 0, kinds: [], sequence: [kind] } });
      const got = await client.roundPerformances(integrationTest.id, { fromRound: 1200, toRound: 1210 });
      expect(got).toEqual(want);
      expect(got.every((p) => p.scores.length > 0 && p.payoutPending !== null && p.payoutSettled !== null)).toBe(true);
      expect(fake.requests).toHaveLength(2);
      expect(logs.lines.filter((l) => l.level === 40)).toEqual([expect.objectContaining({ operation: "v2RoundModelPerformances", attempt: 1 })]);
    },
  );

  it("fails loudly, naming the field, when every answer has `submissionScores: null`; it never becomes \"no scores\"", async () => {
    const { client, fake } = await setup({ faults: { rate: 1, kinds: ["null-scores"] } }, { maxAttempts: 3 });
    const error = await client.roundPerformances(integrationTest.id, { fromRound: 1200, toRound: 1210 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NumeraiResponseError);
    expect((error as NumeraiResponseError).path).toMatch(/^data\.v2RoundModelPerformances\[\d+\]\.submissionScores$/);
    expect(fake.requests).toHaveLength(3);
  });

  it("fails loudly when every answer has null payouts", async () => {
    const { client } = await setup({ faults: { rate: 1, kinds: ["null-payouts"] } }, { maxAttempts: 2 });
    const error = await client.roundPerformances(integrationTest.id, { fromRound: 1200, toRound: 1210 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NumeraiResponseError);
    expect((error as NumeraiResponseError).path).toMatch(/^data\.v2RoundModelPerformances\[\d+\]\.submissionScores\[0\]\.payout(Pending|Settled)$/);
  });

  it("asks again when an answer leaves a round out, and returns the round the next answer has", async () => {
    const { client, fake } = await setup({ faults: { rate: 0, kinds: [], sequence: ["missing-round"] } });
    const perfs = await client.roundPerformances(integrationTest.id, { fromRound: 1200, toRound: 1210 });
    expect(perfs.map((p) => p.roundNumber)).toEqual(Array.from({ length: 11 }, (_, i) => 1200 + i));
    expect(fake.requests).toHaveLength(2);
  });

  it("keeps a hole that two answers agree on (a round the model did not enter) after one more request", async () => {
    const { client, fake } = await setup({ models: allModels.map((m) => ({ ...m, rounds: m.rounds.filter((r) => r.roundNumber !== 1205) })) });
    const perfs = await client.roundPerformances(integrationTest.id, { fromRound: 1200, toRound: 1210 });
    expect(perfs.map((p) => p.roundNumber)).toEqual([1200, 1201, 1202, 1203, 1204, 1206, 1207, 1208, 1209, 1210]);
    expect(fake.requests).toHaveLength(2);
  });

  it("keeps an empty score list for a round not scored yet (no payout factor): that is not a fault", async () => {
    const { client, fake } = await setup();
    const unscored = integrationTest.rounds.filter((r) => r.scores.length === 0);
    expect(unscored.length).toBeGreaterThan(0);
    expect(unscored.every((r) => r.payoutFactor === null)).toBe(true);
    const perfs = await client.roundPerformances(integrationTest.id, { fromRound: unscored[0]!.roundNumber });
    expect(perfs.find((p) => p.roundNumber === unscored[0]!.roundNumber)?.scores).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it("names the bad field when a malformed answer persists", async () => {
    const { client } = await setup({ faults: { rate: 1, kinds: ["null-fields"] } }, { maxAttempts: 2 });
    const error = await client.roundPerformances(integrationTest.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NumeraiResponseError);
    expect((error as NumeraiResponseError).path).toBe("data.v2RoundModelPerformances[0].roundNumber");
    expect((error as Error).message).toContain("data.v2RoundModelPerformances[0].roundNumber");
  });
});

describe("currentRound", () => {
  it("asks for round 0, the alias of the current round", async () => {
    const { client, fake } = await setup();
    await expect(client.currentRound()).resolves.toBe(CURRENT_ROUND);
    expect(variablesOf(fake, 0)).toEqual({ tournament: 8 });
  });

  it("takes the largest round number when the server says the current round is not open", async () => {
    const { client, fake } = await setup({ roundClosed: true });
    await expect(client.currentRound()).resolves.toBe(CURRENT_ROUND);
    expect(fake.requests).toHaveLength(2);
  });
});

describe("listRounds", () => {
  it("lists the newest rounds, ascending, with their facts", async () => {
    const { client, fake } = await setup();
    const rounds = await client.listRounds({ limit: 3 });
    expect(variablesOf(fake, 0)).toEqual({ tournament: 8, number: null, target: null, status: null, limit: 3 });
    expect(rounds.map((r) => r.number)).toEqual([1217, 1218, 1219]);
    const source = integrationTest.rounds.find((r) => r.roundNumber === 1217)!;
    expect(rounds[0]).toEqual({
      number: 1217,
      openTime: new Date(source.openTime),
      closeStakingTime: new Date("2026-03-05T14:00:00Z"),
      resolveTime: new Date(source.resolveTime),
      resolved: false,
      payoutFactor: source.payoutFactor,
      defaultCorrMultiplier: 0.75,
      defaultMmcMultiplier: 2.25,
    });
  });

  it("filters by status", async () => {
    const { client } = await setup();
    const resolved = await client.listRounds({ status: "RESOLVED" });
    expect(resolved.length).toBeGreaterThan(0);
    expect(resolved.every((r) => r.resolved)).toBe(true);
    const open = await client.listRounds({ status: "OPEN" });
    expect(open.map((r) => r.number)).toEqual([CURRENT_ROUND]);
  });
});

describe("createNumeraiClient retries", () => {
  it.each<FaultKind>(["500", "truncated", "malformed", "reset", "429"])("retries after a %s answer and logs the retry once at warn", async (kind) => {
    const { client, fake, logs } = await setup({ faults: { rate: 0, kinds: [], sequence: [kind] } });
    await expect(client.lookupModel("integration_test")).resolves.toMatchObject({ id: integrationTest.id });
    expect(fake.requests).toHaveLength(2);
    const warnings = logs.lines.filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ module: "numerai", operation: "v3UserProfile", attempt: 1, maxAttempts: 5 });
    if (kind === "500" || kind === "429") expect(warnings[0]!.status).toBe(Number(kind));
  });

  it("honours Retry-After on a 429", async () => {
    const { client, fake } = await setup({ faults: { rate: 0, kinds: [], sequence: ["429"], retryAfterSeconds: 1 } }, { maxDelayMs: 30_000 });
    const started = performance.now();
    await client.currentRound();
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(fake.requests).toHaveLength(2);
  });

  it("caps a long Retry-After at maxDelayMs", async () => {
    const { client } = await setup({ faults: { rate: 0, kinds: [], sequence: ["429"], retryAfterSeconds: 3600 } }, { maxDelayMs: 20 });
    const started = performance.now();
    await client.currentRound();
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("gives up on an answer that does not come within the timeout, and retries it", async () => {
    const { client, fake } = await setup({ faults: { rate: 0, kinds: [], sequence: ["timeout"], holdMs: 1500 } }, { timeoutMs: 150 });
    const started = performance.now();
    await expect(client.currentRound()).resolves.toBe(CURRENT_ROUND);
    expect(performance.now() - started).toBeLessThan(1400);
    expect(fake.requests).toHaveLength(2);
  });

  it("throws NumeraiTimeoutError when every attempt times out", async () => {
    const { client } = await setup({ faults: { rate: 1, kinds: ["timeout"], holdMs: 1500 } }, { timeoutMs: 100, maxAttempts: 2 });
    const error = await client.currentRound().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NumeraiTimeoutError);
    expect((error as NumeraiError).retryable).toBe(true);
  });

  it("does not retry a 400", async () => {
    const { client, fake } = await setup({ faults: { rate: 1, kinds: ["400"] } });
    const error = await client.currentRound().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NumeraiHttpError);
    expect((error as NumeraiHttpError).status).toBe(400);
    expect(fake.requests).toHaveLength(1);
  });

  it("does not retry a 404", async () => {
    const fake = await startFakeNumerai({ models: allModels, currentRound: CURRENT_ROUND });
    const client = createNumeraiClient({ url: `${fake.url}/no-such-path`, tournament: 8, timeoutMs: 2000, concurrency: 2, baseDelayMs: 1 });
    open.push(client, fake);
    const error = await client.currentRound().catch((e: unknown) => e);
    expect((error as NumeraiHttpError).status).toBe(404);
    expect(fake.requests).toHaveLength(1);
  });

  it("survives 20% random faults of every kind over 50 lookups", async () => {
    const { client, fake } = await setup(
      { faults: { rate: 0.2, kinds: ["500", "429", "timeout", "truncated", "malformed", "null-fields", "reset"], seed: 2024, holdMs: 800 } },
      { timeoutMs: 150, maxAttempts: 12 },
    );
    const names = Array.from({ length: 50 }, (_, i) => allModels[i % allModels.length]!.name);
    const found = await Promise.all(names.map((n) => client.lookupModel(n)));
    expect(found.map((f) => f.name)).toEqual(names);
    expect(found.map((f) => f.id)).toEqual(names.map((n) => allModels.find((m) => m.name === n)!.id));
    expect(fake.requests.length).toBeGreaterThan(55);
  });
});

describe("createGraphQLTransport", () => {
  let fake: FakeNumerai;
  beforeAll(async () => {
    fake = await startFakeNumerai({ models: allModels, currentRound: CURRENT_ROUND });
  });
  afterAll(() => fake.close());

  const base = (): NumeraiClientOptions => ({ url: fake.url, tournament: 8, timeoutMs: 2000, concurrency: 2, baseDelayMs: 1, maxDelayMs: 5 });

  it("raises the server's GraphQL error, keeping the last message like numerapi, and does not retry", async () => {
    const transport = createGraphQLTransport(base());
    open.push(transport);
    const before = fake.requests.length;
    const error = await transport.execute({ operation: "test", query: "{ nope rounds { alsoNope } }", variables: null, data: lookupModelData }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NumeraiGraphQLError);
    expect((error as NumeraiGraphQLError).messages).toEqual(['Cannot query field "nope" on type "RootQueryType".', 'Cannot query field "alsoNope" on type "Round".']);
    expect((error as Error).message).toBe('Cannot query field "alsoNope" on type "Round".');
    expect(fake.requests.length - before).toBe(1);
  });

  it("sends no Authorization header on public queries, and a User-Agent naming modelfolio's version", async () => {
    const { client, fake: own } = await setup({}, { publicId: "PUBLICID", secretKey: "SECRETKEY" });
    await client.lookupModel("integration_test");
    await client.roundPerformances(integrationTest.id, { fromRound: 1219 });
    await client.currentRound();
    await client.listRounds({ limit: 1 });
    const version = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
    for (const r of own.requests) {
      expect(r.headers.authorization).toBeUndefined();
      expect(r.headers["user-agent"]).toBe(`modelfolio/${version} (+https://github.com/modelfolio)`);
      expect(r.headers["content-type"]).toBe("application/json");
      expect(Object.keys(r.body as object).sort()).toEqual(["query", "variables"]);
    }
  });

  it("sends `Token <public>$<secret>` on authenticated requests and never logs the secret", async () => {
    const logs = captureLogs();
    fake.setFaults({ rate: 0, kinds: [], sequence: ["500"] });
    const transport = createGraphQLTransport({ ...base(), publicId: "PUBLICID", secretKey: "SECRETKEY", logger: logs.logger });
    open.push(transport);
    const before = fake.requests.length;
    await transport.execute({ operation: "v3UserProfile", query: '{ v3UserProfile(modelName: "quirky") { id username } }', variables: null, data: lookupModelData, authenticated: true });
    fake.setFaults(undefined);
    const sent = fake.requests.slice(before);
    expect(sent).toHaveLength(2);
    for (const r of sent) expect(r.headers.authorization).toBe("Token PUBLICID$SECRETKEY");
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(logs.text()).not.toContain("SECRETKEY");
  });

  it("refuses an authenticated request without keys, before sending anything", async () => {
    const transport = createGraphQLTransport(base());
    open.push(transport);
    const before = fake.requests.length;
    await expect(transport.execute({ operation: "account", query: "{ account { id } }", variables: null, data: lookupModelData, authenticated: true })).rejects.toThrow(
      "API keys required for this action.",
    );
    expect(fake.requests.length).toBe(before);
  });

  it("keeps at most `concurrency` requests in flight", async () => {
    const { client, fake: slow } = await setup({ slowMs: 40 }, { concurrency: 3 });
    await Promise.all(Array.from({ length: 12 }, () => client.lookupModel("integration_test")));
    expect(slow.stats.maxInFlight).toBe(3);
  });

  it("starts an attempt's timeout when it is sent, not while it waits for a slot", async () => {
    // Four 200 ms answers one at a time: the last waits 600 ms for its slot, more than the timeout.
    const { client, fake: slow } = await setup({ slowMs: 200 }, { concurrency: 1, timeoutMs: 600, maxAttempts: 1 });
    const found = await Promise.all(allModels.map((m) => client.lookupModel(m.name)));
    expect(found.map((f) => f.id)).toEqual(allModels.map((m) => m.id));
    expect(slow.stats.maxInFlight).toBe(1);
  });

  it("stops sending after close, and close interrupts a retry wait", async () => {
    const { client, fake: own } = await setup({ faults: { rate: 1, kinds: ["500"] } }, { baseDelayMs: 10_000, maxDelayMs: 10_000, maxAttempts: 3 });
    const pending = client.currentRound().catch((e: unknown) => e);
    // Close while the client waits to retry: after the first answer (a 500) has reached it.
    await waitUntil(() => own.requests.length >= 1, "the first request at the stand-in");
    const started = performance.now();
    await client.close();
    expect(await pending).toBeInstanceOf(NumeraiClosedError);
    expect(performance.now() - started).toBeLessThan(1000);
    const count = own.requests.length;
    await expect(client.lookupModel("integration_test")).rejects.toBeInstanceOf(NumeraiClosedError);
    expect(own.requests.length).toBe(count);
  });
});

describe("parseRetryAfter", () => {
  it("reads delta-seconds and HTTP dates", () => {
    const now = Date.parse("2026-03-07T12:00:00Z");
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter("Sat, 07 Mar 2026 12:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Sat, 07 Mar 2026 11:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe("NumeraiGraphQLError", () => {
  it("is retryable when the server reports an internal error or a timeout, and not for errors about the query or the model", () => {
    for (const m of ["Internal server error", "internal error", "Request timed out", "timeout", "Service temporarily unavailable"]) {
      expect(new NumeraiGraphQLError([m], "x").retryable, m).toBe(true);
    }
    for (const m of ["Model not found", 'Cannot query field "x" on type "RootQueryType".', "Your session is invalid or has expired.", "Current round not open for submissions"]) {
      expect(new NumeraiGraphQLError([m], "x").retryable, m).toBe(false);
    }
  });
});

describe("isFieldRemovedError", () => {
  it("recognises Absinthe's message whatever the root type is called, and nothing else", () => {
    expect(isFieldRemovedError(new NumeraiGraphQLError(['Cannot query field "v2RoundModelPerformances" on type "RootQueryType".'], "x"), "v2RoundModelPerformances")).toBe(true);
    expect(isFieldRemovedError(new NumeraiGraphQLError(['Cannot query field "v2RoundModelPerformances" on type "Query".'], "x"), "v2RoundModelPerformances")).toBe(true);
    expect(isFieldRemovedError(new NumeraiHttpError(400, "x", { messages: ["v2RoundModelPerformances has been removed"] }), "v2RoundModelPerformances")).toBe(true);
    expect(isFieldRemovedError(new NumeraiGraphQLError(['Unknown argument "roundNumberGte" on field "v2RoundModelPerformances" of type "RootQueryType".'], "x"), "v2RoundModelPerformances")).toBe(false);
    expect(isFieldRemovedError(new NumeraiHttpError(500, "x"), "v2RoundModelPerformances")).toBe(false);
  });
});
