import { describe, expect, it } from "vitest";
import { ALLOCATION_METHOD_CHOICES } from "../../src/services/portfolio.js";
import { EXPLORE_METHODS, VIEW_LIFETIME_MS, applyPress, decodeView, encodeView, initialView, refusalFor, viewAnalysis, viewMethod, type ViewState } from "../../src/discord/view-state.js";

const state: ViewState = {
  command: "correlation",
  ownerId: "123456789012345678",
  score: 2,
  method: 1,
  window: 3,
  page: 4,
  issuedAt: Date.UTC(2026, 11, 3, 7, 0, 0),
};

describe("view state in custom_id", () => {
  it("round-trips and fits Discord's 100-char limit with the longest snowflake", () => {
    const long = { ...state, ownerId: "12345678901234567890", page: 9999 };
    const id = encodeView(long, "cfm12345");
    expect(id.length).toBeLessThanOrEqual(100);
    expect(decodeView(id)).toEqual({ state: long, action: "cfm12345" });
  });

  it("rejects malformed or foreign ids", () => {
    const good = encodeView(state, "n");
    for (const bad of ["", "x1", good.replace("x1.", "x2."), good + ".x", good.replace(".2.", ".9."), good.replace("123456789012345678", "abc"), "a".repeat(101)])
      expect(decodeView(bad)).toBeNull();
  });

  it("refuses another user's press and an expired press, on the server's clock", () => {
    const issued = new Date(state.issuedAt);
    expect(refusalFor(state, state.ownerId, new Date(issued.getTime() + VIEW_LIFETIME_MS - 1000))).toBeNull();
    expect(refusalFor(state, "999", issued)).toMatch(/Only the person who ran this \/correlation/);
    expect(refusalFor(state, state.ownerId, new Date(issued.getTime() + VIEW_LIFETIME_MS))).toBe("This view has expired — run /correlation again.");
    // Expiry wins over ownership: nobody can use an expired view.
    expect(refusalFor(state, "999", new Date(issued.getTime() + VIEW_LIFETIME_MS))).toMatch(/expired/);
  });
});

describe("initialView", () => {
  const now = new Date(Date.UTC(2026, 11, 3, 7, 0, 0, 400));
  it("starts on the asked score, window and method, issued at whole seconds", () => {
    const v = initialView("allocate", state.ownerId, { score: "canon_mmc", lastRounds: 60, method: "hrp" }, now);
    expect(v).toMatchObject({ score: 2, window: 1, page: 0, issuedAt: Date.UTC(2026, 11, 3, 7, 0, 0) });
    expect(viewAnalysis(v!)).toEqual({ score: "canon_mmc", lastRounds: 60 });
    expect(viewMethod(v!)).toBe("hrp");
  });

  it("defaults to score, every resolved round and all methods", () => {
    const v = initialView("performance", state.ownerId, {}, now);
    expect(viewAnalysis(v!)).toEqual({ score: "score", lastRounds: undefined });
    expect(viewMethod(v!)).toBe("all");
  });

  it.each([{ lastRounds: 30 }, { score: "bmc" }, { method: "magic" }])("is null for options no view carries: %o", (asked) => {
    expect(initialView("correlation", state.ownerId, asked, now)).toBeNull();
  });

  it("offers the methods /allocate's option offers, in its order", () => {
    expect(EXPLORE_METHODS).toEqual(ALLOCATION_METHOD_CHOICES.map((c) => c.value));
  });
});

describe("applyPress", () => {
  const now = new Date(state.issuedAt + 60_000);
  it("switches window and score back to page 0, and re-issues the view", () => {
    expect(applyPress(state, "w0", [], now)).toEqual({ ...state, window: 0, page: 0, issuedAt: now.getTime() });
    expect(applyPress(state, "s", ["payout"], now)).toMatchObject({ score: 3, page: 0 });
    expect(applyPress(state, "m", ["max-sharpe"], now)).toMatchObject({ method: EXPLORE_METHODS.indexOf("max-sharpe"), page: 0 });
  });

  it("pages forward and back, never below page 0", () => {
    expect(applyPress(state, "n", [], now).page).toBe(5);
    expect(applyPress({ ...state, page: 0 }, "p", [], now).page).toBe(0);
  });

  it.each([
    ["s", ["canon_tc"]],
    ["s", ["score", "payout"]],
    ["m", []],
    ["w9", []],
  ])("refuses %s with %o: not something the view offers", (action, values) => {
    expect(() => applyPress(state, action, values, now)).toThrow(/not one this view offers/);
  });
});
