/** The digest renderers (src/discord/render/digest.ts): what a delivery posts, within Discord's limits. */
import { describe, expect, it } from "vitest";
import { ordinalPercent, renderServerDigest, renderWeeklyDigest, serverDigestMarkdown } from "../../src/discord/render/digest.js";
import { limitViolations } from "../../src/discord/render/payload.js";
import type { ServerDigest } from "../../src/services/digest/server.js";
import { buildWeeklyDigest, type WeeklyDigest } from "../../src/services/digest/weekly.js";
import { parkMillerUniform } from "../../src/random.js";

const DAY = 86_400_000;

/** A digest of `k` models with long, hostile names and every section present. */
function bigDigest(k: number): WeeklyDigest {
  const uniform = parkMillerUniform(3);
  const rand = () => uniform() - 0.5;
  const rounds = Array.from({ length: 300 }, (_, i) => i + 1);
  const base = rounds.map(() => 0.02 * rand());
  const models = Array.from({ length: k }, (_, i) => ({
    name: `@everyone_**model**_${"x".repeat(40)}_${i}`,
    // Pairs of near-copies: many near-duplicate pairs.
    series: { rounds, values: base.map((b, t) => b + (i % 2 === 0 ? 0.001 : 0.002) * rand() + (t > 280 ? 0 : 0.03 * rand() * (i % 3))) },
  }));
  return buildWeeklyDigest({
    models,
    weights: models.map((_, i) => (i === 0 ? 10 : 1)),
    weightSource: "declared",
    resolveTimes: new Map(rounds.map((r) => [r, r * DAY])),
    periodEnd: new Date(300.5 * DAY),
    options: { windowRounds: 15, minRounds: 10 },
  });
}

describe("renderWeeklyDigest", () => {
  it("fits Discord's limits with many models and near-duplicates, and never lets a name ping", () => {
    const d = bigDigest(40);
    expect(d.newNearDuplicates.length).toBeGreaterThan(10);
    const p = renderWeeklyDigest(d, { week: "2026-06-01", ref: "dg1-20260601" });
    expect(limitViolations(p)).toEqual([]);
    const embed = p.embeds![0]!;
    expect(embed.title).toBe("Weekly diversification digest — week of 2026-06-01");
    expect(embed.footer!.text.split(" · ")).toContain("ref dg1-20260601");
    expect(JSON.stringify(p.embeds)).not.toMatch(/@everyone/);
    expect(embed.image?.url).toBe("attachment://digest-2026-06-01.png");
    expect(p.files![0]!.data.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(embed.fields!.map((f) => f.name)).toEqual(expect.arrayContaining(["Diversification", expect.stringMatching(/^Contribution/)]));
  });

  it("says how many bets the models were three months ago and now, in the Diversification field", () => {
    const d = bigDigest(40);
    const b = d.betsThroughTime!;
    expect(b.month.toISOString()).toBe("1970-07-01T00:00:00.000Z");
    const field = renderWeeklyDigest(d, { week: "2026-06-01", ref: null, chart: false }).embeds![0]!.fields!.find((f) => f.name === "Diversification")!;
    expect(field.value).toContain(`Your 40 models were ${b.then.toFixed(1)} bets in July, ${b.now.toFixed(1)} now (15-round windows; \`/history\` draws it).`);
  });

  it("words undefined statistics instead of printing NaN", () => {
    const one = buildWeeklyDigest({
      models: [{ name: "solo", series: { rounds: [1, 2, 3], values: [0.01, 0.02, -0.01] } }],
      weights: [1],
      weightSource: "equal",
      resolveTimes: new Map([[3, 10 * DAY]]),
      periodEnd: new Date(11 * DAY),
    });
    const text = JSON.stringify(renderWeeklyDigest(one, { week: "2026-06-01", ref: null, chart: false }));
    expect(text).not.toMatch(/NaN|Infinity|undefined/);
    expect(text).toContain("Needs at least two models.");
  });
});

describe("renderServerDigest", () => {
  const d = bigDigest(4);
  const server = (members: number): ServerDigest => ({
    guildId: "1",
    periodStart: d.periodStart,
    periodEnd: d.periodEnd,
    members: Array.from({ length: members }, (_, i) => (i % 5 === 4 ? { userId: `${1000 + i}`, digest: null, note: "no models registered" } : { userId: `${1000 + i}`, digest: d })),
    diversity: { members, models: members * 4, withinMean: 0.61, acrossMean: 0.22, withinPairs: 6 * members, acrossPairs: 1000 },
  });

  it("fits Discord's limits with hundreds of members and never names a member's models", () => {
    const p = renderServerDigest(server(300), { week: "2026-06-01", ref: "dg2-20260601" });
    expect(limitViolations(p)).toEqual([]);
    const text = p.embeds![0]!.description!;
    expect(text).toContain("pairs of one member's models average ρ **0.61**");
    expect(text).toContain("<@1000>");
    expect(text).toMatch(/…and \d+ more/);
    expect(text).not.toContain("model_");
    expect(p.files).toHaveLength(1);
  });

  it("gives Discourse markdown without Discord mentions", () => {
    const md = serverDigestMarkdown(server(3), "2026-06-01");
    expect(md.title).toBe("Server diversification digest — week of 2026-06-01");
    expect(md.raw).not.toMatch(/<@\d+>/);
  });
});

describe("ordinalPercent", () => {
  it.each([
    [0.01, "1st"],
    [0.22, "22nd"],
    [0.13, "13th"],
    [0.111, "11th"],
    [1, "100th"],
    [Number.NaN, "n/a"],
  ])("writes %f as %s", (p, text) => {
    expect(ordinalPercent(p)).toBe(text);
  });
});
