import { describe, expect, it } from "vitest";
import { VIEW_LIFETIME_MS, decodeView, encodeView, refusalFor, type ViewState } from "../../src/discord/view-state.js";

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
