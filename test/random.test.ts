import { describe, expect, it } from "vitest";
import { gaussian, mulberry32, parkMiller, parkMillerUniform } from "../src/random.js";

describe("mulberry32", () => {
  it("gives the reference sequence for a seed (the published algorithm's first output for seed 1)", () => {
    expect(mulberry32(1)()).toBe(0.6270739405881613);
  });

  it("repeats for the same seed and stays in [0, 1)", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x >= 0 && x < 1).toBe(true);
    }
  });
});

describe("gaussian", () => {
  it("draws with mean near 0 and variance near 1", () => {
    const draw = gaussian(mulberry32(7));
    const xs = Array.from({ length: 20_000 }, draw);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
});

describe("parkMiller", () => {
  it("reaches Park and Miller's published check value: seed 1, the 10,000th state is 1043618065", () => {
    const next = parkMiller(1);
    let state = 0;
    for (let i = 0; i < 10_000; i++) state = next();
    expect(state).toBe(1043618065);
  });

  it("scales to (0, 1) without changing the sequence", () => {
    const raw = parkMiller(42);
    const uniform = parkMillerUniform(42);
    for (let i = 0; i < 100; i++) expect(uniform()).toBe(raw() / 2147483647);
  });
});
