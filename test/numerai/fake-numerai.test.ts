/**
 * The fake Numerai server must speak the real wire format (../shared/numerai-api.md), or the
 * client tests prove nothing. These tests pin its encoding and its GraphQL handling.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { erlangFloat, parseDocument, startFakeNumerai, type FakeModel, type FakeNumerai, type FakeRound } from "../helpers/fake-numerai.js";
import { nowForCurrentRound, payoutNmr, roundOpenTime, roundResolveTime, scoreDate, scoringDayAt, formatTime } from "../helpers/synthetic-scores.js";

const API_DOC = fileURLToPath(new URL("../../../shared/numerai-api.md", import.meta.url));

interface GqlAnswer {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: unknown }>;
}

/** Round numbers of a v2RoundModelPerformances answer, in the order sent. */
const roundNumbersOf = (answer: GqlAnswer | undefined) =>
  (answer?.data?.v2RoundModelPerformances as Array<{ roundNumber: number }>).map((p) => p.roundNumber);

async function post(url: string, body: unknown): Promise<{ status: number; text: string; json: GqlAnswer | undefined }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = await res.text();
  let json: GqlAnswer | undefined;
  try {
    json = JSON.parse(text) as GqlAnswer;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

describe("erlangFloat", () => {
  // Strings seen in real API captures (numerai-api.md §1 and §3: lingster/numerai example_graphql.md,
  // jos1977/numerai_statistics rounds.csv) — the encoder must write these values exactly so.
  it.each([
    [4.036320203754083e-4, "4.036320203754083e-4"],
    [-5.490772884181891e-4, "-5.490772884181891e-4"],
    [-0.005985406281769445, "-0.005985406281769445"],
    [0.0051416819012797075, "0.0051416819012797075"],
    [2, "2.0"],
    [0.5, "0.5"],
    [3e5, "3.0e5"],
  ])("writes %d as the real API does (%s)", (x, expected) => {
    expect(erlangFloat(x)).toBe(expected);
  });

  // Derived by hand from OTP's io_lib_format:insert_decimal/3 (decimal unless the exponent form is shorter).
  it.each([
    [72000, "7.2e4"],
    [100, "100.0"],
    [1000, "1.0e3"],
    [12345, "12345.0"],
    [1234.5, "1234.5"],
    [0.1, "0.1"],
    [0.001, "0.001"],
    [0.0001, "1.0e-4"],
    [1.5e-7, "1.5e-7"],
    [0, "0.0"],
    [-0, "-0.0"],
    [2 ** 53, "9.007199254740992e15"],
  ])("follows Erlang's shortest-form rule for %d (%s)", (x, expected) => {
    expect(erlangFloat(x)).toBe(expected);
  });

  it("round-trips through JSON.parse", () => {
    for (const x of [4.036320203754083e-4, 0.795169856699068, -0.00945800236111822, 1e21, 7.2e4]) {
      expect(JSON.parse(erlangFloat(x))).toBe(x);
    }
  });
});

describe("parseDocument", () => {
  it("reads numerapi's text with its stray commas, variables and nested selections", () => {
    const [op] = parseDocument(`query($modelId: String!\n $tournament: Int!) { v2RoundModelPerformances(modelId: $modelId\n tournament: $tournament) { atRisk\n corrMultiplier, submissionScores { day value } } }`);
    const root = op!.selections[0]!;
    expect(root.name).toBe("v2RoundModelPerformances");
    expect(root.args.map((a) => a.name)).toEqual(["modelId", "tournament"]);
    expect(root.selections!.map((s) => s.name)).toEqual(["atRisk", "corrMultiplier", "submissionScores"]);
    expect(root.line).toBe(2);
  });

  it("reports a syntax error with its position", () => {
    expect(() => parseDocument("query { rounds(number: ) { number } }")).toThrow(/syntax error before: "\)"/);
  });
});

const MODEL_ID = "59de8728-38e5-45bd-a3d5-9d4ad649dd3f";

function handRound(n: number, resolved: boolean): FakeRound {
  return {
    roundNumber: n,
    openTime: formatTime(roundOpenTime(n)),
    resolveTime: formatTime(roundResolveTime(n)),
    resolved,
    atRisk: "100.000000000000000000",
    corrMultiplier: 0.75,
    mmcMultiplier: 2.25,
    payoutFactor: "0.092000000000000000",
    target: null,
    scores: [
      { displayName: "canon_corr", value: 4.036320203754083e-4, percentile: 0.5, day: 20, date: formatTime(scoreDate(n, 20)), payoutPending: "0.1", payoutSettled: "0.1" },
      { displayName: "mmc", value: -0.005985406281769445, percentile: 0.25, day: 20, date: formatTime(scoreDate(n, 20)), payoutPending: "0.1", payoutSettled: "0.1" },
    ],
  };
}

describe("startFakeNumerai", () => {
  let fake: FakeNumerai;
  const model: FakeModel = { name: "integration_test", id: MODEL_ID, rounds: [1190, 1191, 1192, 1193].map((n) => handRound(n, true)) };

  beforeAll(async () => {
    fake = await startFakeNumerai({ models: [model], currentRound: 1219 });
  });
  afterAll(() => fake.close());

  it("accepts `variables: null` with vladthestaker's inline literals", async () => {
    const query = `query { v2RoundModelPerformances(modelId: "${MODEL_ID}", tournament: 8, lastNRounds: 40) {\n  roundNumber\n  submissionScores { date day displayName value percentile }\n} }`;
    const { status, json } = await post(fake.url, { query, variables: null });
    expect(status).toBe(200);
    expect(roundNumbersOf(json).sort()).toEqual([1190, 1191, 1192, 1193]);
  });

  it("accepts a body without a `variables` key", async () => {
    const { json } = await post(fake.url, { query: "{ rounds(tournament: 8, number: 0) { number } }" });
    expect(json).toEqual({ data: { rounds: [{ number: 1219 }] } });
  });

  it("accepts snake_case and double-underscore argument spellings", async () => {
    const profile = await post(fake.url, { query: "query($model_name: String!) { v3UserProfile(model_name: $model_name) { id } }", variables: { model_name: "integration_test" } });
    expect(profile.json).toEqual({ data: { v3UserProfile: { id: MODEL_ID } } });
    const ranged = await post(fake.url, { query: `{ v2RoundModelPerformances(modelId: "${MODEL_ID}", roundNumber__gte: 1192) { roundNumber } }` });
    expect(roundNumbersOf(ranged.json)).toEqual([1193, 1192]);
  });

  it("returns only the selected fields, keys sorted, floats in Erlang form and NMR as strings", async () => {
    const { text } = await post(fake.url, {
      query: `{ v2RoundModelPerformances(modelId: "${MODEL_ID}", roundNumberEq: 1190) { submissionScores { value displayName } roundNumber atRisk corrMultiplier } }`,
      variables: null,
    });
    expect(text).toBe(
      '{"data":{"v2RoundModelPerformances":[{"atRisk":"100.000000000000000000","corrMultiplier":0.75,"roundNumber":1190,' +
        '"submissionScores":[{"displayName":"canon_corr","value":4.036320203754083e-4},{"displayName":"mmc","value":-0.005985406281769445}]}]}}',
    );
  });

  it("answers unknown fields and arguments with Absinthe-style validation errors and no data", async () => {
    const { status, json } = await post(fake.url, { query: "{ rounds(bogus: 1) { number nope } }", variables: null });
    expect(status).toBe(200);
    expect(json?.data).toBeUndefined();
    expect(json?.errors?.map((e) => e.message)).toEqual([
      'Unknown argument "bogus" on field "rounds" of type "RootQueryType".',
      'Cannot query field "nope" on type "Round".',
    ]);
  });

  it("requires modelId", async () => {
    const { json } = await post(fake.url, { query: "query($modelId: String!) { v2RoundModelPerformances(modelId: $modelId) { roundNumber } }", variables: {} });
    expect(json?.errors?.[0]?.message).toBe('In argument "modelId": Expected type "ID!", found null.');
  });

  it("answers an unknown model with a null profile by default", async () => {
    const { json } = await post(fake.url, { query: '{ v3UserProfile(modelName: "nobody") { id } }' });
    expect(json).toEqual({ data: { v3UserProfile: null } });
  });

  it("answers 404 off the GraphQL paths and 400 to a body that is not JSON", async () => {
    expect((await post(`${fake.url}/nope`, {})).status).toBe(404);
    const res = await fetch(fake.url, { method: "POST", body: "{not json" });
    expect(res.status).toBe(400);
    await res.text();
  });

  it("records the root field, body and headers of each request", async () => {
    const before = fake.requests.length;
    await post(fake.url, { query: "{ rounds(number: 0) { number } }", variables: null });
    const recorded = fake.requests[before]!;
    expect(recorded.field).toBe("rounds");
    expect(recorded.body).toEqual({ query: "{ rounds(number: 0) { number } }", variables: null });
    expect(recorded.headers["content-type"]).toBe("application/json");
  });
});

describe("startFakeNumerai options", () => {
  it("can answer an unknown model with an errors entry and null data field", async () => {
    const fake = await startFakeNumerai({ models: [], currentRound: 1219, unknownModelStyle: "error" });
    try {
      const { json } = await post(fake.url, { query: '{ v3UserProfile(modelName: "nobody") { id } }' });
      expect(json?.data).toEqual({ v3UserProfile: null });
      expect(json?.errors?.[0]).toMatchObject({ message: "Model not found", path: ["v3UserProfile"] });
    } finally {
      await fake.close();
    }
  });

  it("says v2RoundModelPerformances cannot be queried when v2Removed, and still serves submissionScores", async () => {
    const model: FakeModel = { name: "m", id: MODEL_ID, rounds: [handRound(1190, true)] };
    const fake = await startFakeNumerai({ models: [model], currentRound: 1219, v2Removed: true });
    try {
      const v2 = await post(fake.url, { query: `{ v2RoundModelPerformances(modelId: "${MODEL_ID}") { roundNumber } }` });
      expect(v2.json?.errors?.[0]?.message).toBe('Cannot query field "v2RoundModelPerformances" on type "RootQueryType".');
      const flat = await post(fake.url, { query: `{ submissionScores(modelId: "${MODEL_ID}") { roundNumber displayName day } }` });
      // The flat endpoint is a daily history: day 19 and day 20 of each score.
      expect(flat.json?.data?.submissionScores).toEqual([
        { day: 19, displayName: "canon_corr", roundNumber: 1190 },
        { day: 20, displayName: "canon_corr", roundNumber: 1190 },
        { day: 19, displayName: "mmc", roundNumber: 1190 },
        { day: 20, displayName: "mmc", roundNumber: 1190 },
      ]);
    } finally {
      await fake.close();
    }
  });

  it("answers the current-round alias with numerapi's error between rounds", async () => {
    const fake = await startFakeNumerai({ models: [], currentRound: 1219, roundClosed: true });
    try {
      const { json } = await post(fake.url, { query: "{ rounds(number: 0) { number } }" });
      expect(json?.data).toEqual({ rounds: null });
      expect(json?.errors?.[0]?.message).toBe("Current round not open for submissions");
    } finally {
      await fake.close();
    }
  });

  it("applies scripted faults in order, then none", async () => {
    const fake = await startFakeNumerai({ models: [], currentRound: 1219, faults: { rate: 0, kinds: [], sequence: ["500", "malformed", "truncated", "ok"] } });
    try {
      const query = { query: "{ rounds(number: 0) { number } }" };
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await post(fake.url, query));
      expect(answers.map((a) => a.status)).toEqual([500, 200, 200, 200, 200]);
      expect(answers[1]!.json).toBeUndefined();
      expect(answers[3]!.json).toEqual({ data: { rounds: [{ number: 1219 }] } });
      // Truncated: the first half of the real answer, with a Content-Length that matches it.
      expect(answers[2]!.json).toBeUndefined();
      expect(answers[2]!.text).toBe(answers[3]!.text.slice(0, Math.floor(answers[3]!.text.length / 2)));
    } finally {
      await fake.close();
    }
  });

  it("nulls required fields under the null-fields fault", async () => {
    const fake = await startFakeNumerai({ models: [], currentRound: 1219, faults: { rate: 1, kinds: ["null-fields"] } });
    try {
      const { json } = await post(fake.url, { query: "{ rounds(number: 0) { number } }" });
      expect(json).toEqual({ data: { rounds: [{ number: null }] } });
    } finally {
      await fake.close();
    }
  });
});

/** The JSON block of §3's synthetic 3-round sample, and numerapi's query text from §2(b). */
function readDocSample(): { sample: string; numerapiQuery: string } {
  const md = readFileSync(API_DOC, "utf8");
  const sampleStart = md.indexOf("### Sample `v2RoundModelPerformances` with 3 rounds");
  const sample = /```json\n([\s\S]*?)```/.exec(md.slice(sampleStart))?.[1];
  const queryStart = md.indexOf("numerapi `round_model_performances_v2(model_id)`");
  const numerapiQuery = /query = """([\s\S]*?)"""/.exec(md.slice(queryStart))?.[1];
  if (sample === undefined || numerapiQuery === undefined || sampleStart < 0 || queryStart < 0) throw new Error("numerai-api.md changed: sample not found");
  return { sample, numerapiQuery };
}

interface SamplePerf {
  atRisk: string;
  corrMultiplier: number;
  mmcMultiplier: number;
  roundPayoutFactor: string;
  roundNumber: number;
  roundOpenTime: string;
  roundResolveTime: string;
  roundResolved: boolean;
  roundTarget: string | null;
  submissionScores: Array<{ date: string; day: number; displayName: string; payoutPending: string; payoutSettled: string; percentile: number; value: number }>;
}

const sortKeysDeep = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(sortKeysDeep) : v !== null && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeysDeep((v as Record<string, unknown>)[k])])) : v;

describe.skipIf(!existsSync(API_DOC))(`the §3 sample of numerai-api.md (skipped: ${API_DOC} not present)`, () => {
  const load = () => {
    const { sample, numerapiQuery } = readDocSample();
    const perfs = (JSON.parse(sample) as { data: { v2RoundModelPerformances: SamplePerf[] } }).data.v2RoundModelPerformances;
    const rounds: FakeRound[] = perfs.map((p) => ({
      roundNumber: p.roundNumber,
      openTime: p.roundOpenTime,
      resolveTime: p.roundResolveTime,
      resolved: p.roundResolved,
      atRisk: p.atRisk,
      corrMultiplier: p.corrMultiplier,
      mmcMultiplier: p.mmcMultiplier,
      payoutFactor: p.roundPayoutFactor,
      target: p.roundTarget,
      scores: p.submissionScores.map((s) => ({ ...s })),
    }));
    return { sample, numerapiQuery, perfs, rounds };
  };

  it("is reproduced byte for byte (after whitespace) when the fake keeps the query's field order", async () => {
    const { sample, numerapiQuery, rounds } = load();
    const fake = await startFakeNumerai({ models: [{ name: "integration_test", id: MODEL_ID, rounds }], currentRound: 1219, keyOrder: "query", roundOrder: "asc" });
    try {
      const { text } = await post(fake.url, { query: numerapiQuery, variables: { modelId: MODEL_ID, tournament: 8 } });
      expect(text).toBe(sample.replace(/\s+/g, ""));
    } finally {
      await fake.close();
    }
  });

  it("is reproduced with every object's keys sorted in the default (real-server) key order", async () => {
    const { sample, numerapiQuery, rounds } = load();
    const fake = await startFakeNumerai({ models: [{ name: "integration_test", id: MODEL_ID, rounds }], currentRound: 1219, roundOrder: "asc" });
    try {
      const { text } = await post(fake.url, { query: numerapiQuery, variables: { modelId: MODEL_ID, tournament: 8 } });
      // The sample's values are all in the range where JS and Erlang write floats alike.
      expect(text).toBe(JSON.stringify(sortKeysDeep(JSON.parse(sample))));
    } finally {
      await fake.close();
    }
  });

  it("has payouts equal to atRisk·clip(pf·(0.75·corr + 2.25·mmc), ±0.05) as the synthetic generator computes them", () => {
    const { perfs } = load();
    for (const p of perfs) {
      const corr = p.submissionScores.find((s) => s.displayName === "v2_corr20")!.value;
      const mmc = p.submissionScores.find((s) => s.displayName === "mmc")!.value;
      const pending = payoutNmr(Number(p.atRisk), Number(p.roundPayoutFactor), corr, mmc, { corr: p.corrMultiplier, mmc: p.mmcMultiplier });
      expect(pending).toBe(p.submissionScores[0]!.payoutPending);
    }
  });

  it("follows the same calendar as the synthetic generator (query made on Sat 2026-03-07, current round 1219)", () => {
    const { perfs } = load();
    const now = nowForCurrentRound(1219);
    for (const p of perfs) {
      expect(formatTime(roundOpenTime(p.roundNumber))).toBe(p.roundOpenTime);
      expect(formatTime(roundResolveTime(p.roundNumber))).toBe(p.roundResolveTime);
      const day = scoringDayAt(p.roundNumber, now);
      expect(day).toBe(p.submissionScores[0]!.day);
      expect(formatTime(scoreDate(p.roundNumber, day))).toBe(p.submissionScores[0]!.date);
      expect(roundResolveTime(p.roundNumber).getTime() <= now.getTime()).toBe(p.roundResolved);
    }
  });
});
