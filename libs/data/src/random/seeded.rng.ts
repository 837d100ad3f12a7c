import { invalidArgument } from '@genlab/errors';

/** A deterministic pseudo-random source: same seed, same sequence, on every platform. */
export interface SeededRng {
  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number;
  /** Uniform integer in [0, n). */
  nextInt(n: number): number;
  /** Standard normal, by Box–Muller (the second value of each pair is kept for the next call). */
  nextNormal(): number;
}

/** Mixes an integer into a well-spread 32-bit value (the murmur3 finaliser). */
export const mix32 = (value: number): number => {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
};

/** Derives an independent stream seed from a base seed and stream numbers (e.g. epoch). */
export const deriveSeed = (seed: number, ...streams: number[]): number =>
  streams.reduce((h, stream) => mix32(h ^ Math.imul(stream + 1, 0x9e3779b9)), mix32(seed));

export const checkSeed = (seed: number): void => {
  if (!Number.isSafeInteger(seed)) throw invalidArgument(`seed must be an integer, got ${seed}`, { seed });
};

/** mulberry32 (Tommy Ettinger): a 32-bit state generator, fast and good enough for data work. */
export const createRng = (seed: number): SeededRng => {
  checkSeed(seed);
  let state = mix32((seed >>> 0) ^ mix32(Math.floor(seed / 0x100000000)));
  let spare: number | undefined;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    nextInt: (n) => Math.floor(next() * n),
    nextNormal: () => {
      if (spare !== undefined) {
        const value = spare;
        spare = undefined;
        return value;
      }
      const u = 1 - next();
      const v = next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spare = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
  };
};
