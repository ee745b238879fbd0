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

/**
 * Park–Miller "minimal standard" LCG (state = state·16807 mod 2³¹−1): each call advances the state
 * and returns it, an integer in [1, 2³¹−2]. Kept beside mulberry32 because the Python reference
 * scripts (test/fixtures/analytics/make_reference.py) reproduce exactly this sequence.
 */
export function parkMiller(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 16807) % PARK_MILLER_MODULUS);
}
export const PARK_MILLER_MODULUS = 2147483647;

/** {@link parkMiller} scaled to (0, 1). */
export function parkMillerUniform(seed: number): () => number {
  const next = parkMiller(seed);
  return () => next() / PARK_MILLER_MODULUS;
}
