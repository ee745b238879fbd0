import { describe, expect, it } from "vitest";
import { WeightedLru } from "../../src/services/weighted-lru.js";

const lru = (max: number) => new WeightedLru<number[]>(max, (v) => v.length);

describe("WeightedLru", () => {
  it("drops the least recently used until the total weight is within the bound", () => {
    const c = lru(5);
    c.set("a", [1, 2]);
    c.set("b", [1, 2]);
    expect(c.get("a")).toEqual([1, 2]); // a is now the most recent
    c.set("c", [1, 2]);
    expect(c.has("b")).toBe(false);
    expect(c.has("a") && c.has("c")).toBe(true);
    expect(c.size).toBe(2);
  });

  it("peeks and replaces without counting as a use: the order stays, only the weight changes", () => {
    const c = lru(6);
    c.set("a", [1, 2]);
    c.set("b", [1, 2]);
    expect(c.peek("a")).toEqual([1, 2]);
    c.replace("a", [1, 2, 3]); // a stays the least recently used
    expect(c.peek("a")).toEqual([1, 2, 3]);
    c.set("c", [1]); // 3 + 2 + 1 = 6: within the bound
    expect(c.size).toBe(3);
    c.replace("c", [1, 2]); // 7: the least recent goes, never the key replaced
    expect(c.has("a")).toBe(false);
    expect(c.has("b") && c.has("c")).toBe(true);
    expect(c.peek("missing")).toBeUndefined();
    c.replace("d", [1]); // a key not held goes in as the most recent
    c.set("e", [1, 2]); // 2 + 2 + 1 + 2 = 7: b goes
    expect(c.has("b")).toBe(false);
    expect(c.has("c") && c.has("d") && c.has("e")).toBe(true);
  });

  it("replacing a key counts its new weight only", () => {
    const c = lru(4);
    c.set("a", [1, 2, 3]);
    c.set("a", [1]);
    c.set("b", [1, 2, 3]);
    expect(c.has("a") && c.has("b")).toBe(true);
  });

  it("keeps a value heavier than the bound alone until the next set", () => {
    const c = lru(2);
    c.set("a", [1]);
    c.set("big", [1, 2, 3]);
    expect(c.has("a")).toBe(false);
    expect(c.get("big")).toEqual([1, 2, 3]);
    c.set("b", [1]);
    expect(c.has("big")).toBe(false);
    expect(c.has("b")).toBe(true);
  });
});
