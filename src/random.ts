/**
 * Deterministic random numbers for generated data (the demo, benchmarks, test stand-ins): the
 * same seed gives the same data on every machine, with no dependency.
 */

/**
 * mulberry32: a small seeded PRNG returning floats in [0, 1).
 * @example mulberry32(1)() // => 0.6270739405881613
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Standard normal draws by Box–Muller from a uniform source (two uniforms per draw). */
export function gaussian(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
}
