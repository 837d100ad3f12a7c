import { invalidArgument } from '@genlab/errors';

/** Largest seed accepted anywhere in genlab: seeds are unsigned 32-bit integers. */
export const MAX_SEED = 0xffff_ffff;

export const isValidSeed = (seed: unknown): seed is number =>
  typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED;

export function assertSeed(seed: unknown, name = 'seed'): asserts seed is number {
  if (!isValidSeed(seed)) throw invalidArgument(`${name}: must be an integer in [0, ${MAX_SEED}]`, { [name]: seed });
}

/** splitmix32's output function: a bijective avalanche of a 32-bit word. */
function mix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A stable seed for a named sub-stream of `seed`, e.g. `deriveSeed(runSeed, 'init',
 * 'encoder.0.kernel')`: independent of the order in which streams are created, identical
 * across processes and platforms.
 */
export function deriveSeed(seed: number, ...labels: readonly (string | number)[]): number {
  assertSeed(seed);
  let h = mix32(seed ^ 0x9e3779b9);
  for (const label of labels) {
    const text = `${typeof label}:${label}`;
    for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0; // FNV-1a step
    h = mix32(h ^ 0x2545f491);
  }
  return h;
}

/**
 * A small, fast, seedable generator (splitmix32) whose whole state is one uint32, so it can
 * be saved with a model and restored. Use it to draw seeds for tfjs random ops
 * (`tf.randomNormal(shape, 0, 1, 'float32', rng.nextSeed())`), which are deterministic for a
 * given seed.
 */
export class SeededRng {
  private state: number;

  constructor(seed: number) {
    assertSeed(seed);
    this.state = seed;
  }

  /** Restores a generator from `getState()`. */
  static fromState(state: number): SeededRng {
    return new SeededRng(state);
  }

  getState(): number {
    return this.state;
  }

  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    return mix32(this.state);
  }

  /** Uniform in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** A seed for one tfjs random op. */
  nextSeed(): number {
    return this.nextUint32();
  }
}
