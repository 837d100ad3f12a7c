import type { DdpmSchedule } from './ddpm.config';

/** Largest β of either schedule (Nichol & Dhariwal clip the cosine schedule's last steps to it). */
export const MAX_BETA = 0.999;
/** Offset s of the cosine schedule (Nichol & Dhariwal). */
const COSINE_OFFSET = 0.008;

/**
 * A diffusion schedule and the per-step coefficients derived from it, in float64. Index
 * `i` (0 … T−1) is the paper's step t = i + 1.
 */
export interface DiffusionSchedule {
  readonly kind: DdpmSchedule;
  readonly timesteps: number;
  readonly betas: Float64Array;
  /** ᾱ_t = Π_{s ≤ t} (1 − β_s). */
  readonly alphaBars: Float64Array;
  /** Variance β̃_t = β_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t) of the forward posterior q(x_{t−1} | x_t, x_0); 0 at t = 1. */
  readonly posteriorVariances: Float64Array;
  /**
   * log σ_t² of the reverse process p(x_{t−1} | x_t): the posterior variance β̃_t (Ho et al.'s
   * "fixed small" choice), with β̃_2 at t = 1 (where β̃_1 = 0), the decoder's variance.
   */
  readonly reverseLogVariances: Float64Array;
}

function linearBetas(timesteps: number): Float64Array {
  // Ho et al.'s 1e-4 → 0.02 at T = 1000; Nichol & Dhariwal's rescaling by 1000/T keeps the
  // total noise (and so ᾱ_T ≈ 0) for other T.
  const scale = 1000 / timesteps;
  const [start, end] = [1e-4 * scale, 0.02 * scale];
  return Float64Array.from({ length: timesteps }, (_, i) => Math.min(start + ((end - start) * i) / (timesteps - 1), MAX_BETA));
}

/** ᾱ(t) ∝ cos²(((t/T + s)/(1 + s))·π/2); β_t = 1 − ᾱ(t)/ᾱ(t−1), clipped to 0.999. */
function cosineBetas(timesteps: number): Float64Array {
  const f = (u: number) => Math.cos(((u + COSINE_OFFSET) / (1 + COSINE_OFFSET)) * (Math.PI / 2)) ** 2;
  return Float64Array.from({ length: timesteps }, (_, i) => Math.min(1 - f((i + 1) / timesteps) / f(i / timesteps), MAX_BETA));
}

export function createSchedule(kind: DdpmSchedule, timesteps: number): DiffusionSchedule {
  if (!Number.isInteger(timesteps) || timesteps < 2) throw new Error(`a diffusion schedule needs at least 2 steps, got ${timesteps}`);
  const betas = kind === 'linear' ? linearBetas(timesteps) : cosineBetas(timesteps);
  const alphaBars = new Float64Array(timesteps);
  const posteriorVariances = new Float64Array(timesteps);
  let product = 1;
  for (let i = 0; i < timesteps; i += 1) {
    const previous = product;
    product *= 1 - betas[i];
    alphaBars[i] = product;
    posteriorVariances[i] = (betas[i] * (1 - previous)) / (1 - product);
  }
  const reverseLogVariances = Float64Array.from(posteriorVariances, (v, i) => Math.log(i === 0 ? posteriorVariances[1] : v));
  return { kind, timesteps, betas, alphaBars, posteriorVariances, reverseLogVariances };
}
