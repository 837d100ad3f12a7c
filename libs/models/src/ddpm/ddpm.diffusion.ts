import { deriveSeed, tf } from '@genlab/compute';
import type { SampleOptions } from '../generative-model';
import { gaussianLogLikelihood } from '../losses/gaussian';
import { throwIfSamplingCancelled } from '../sampling-cancellation';
import type { Denoiser } from './ddpm.denoiser';
import { discretizedGaussianLogLikelihood } from './ddpm.likelihood';
import type { DiffusionSchedule } from './ddpm.schedule';

/** How the decoder p(x_0 | x_1) scores data: a Gaussian density, or 8-bit bins in [-1, 1]. */
export type DecoderKind = 'gaussian' | 'discretized';

/** Flattens every axis but the first and sums: per-example totals `[n]`. */
const sumPerExample = (x: tf.Tensor): tf.Tensor1D => tf.sum(x.reshape([x.shape[0], -1]), 1) as tf.Tensor1D;

/** `values[t]` per example, shaped `[n, 1, …]` to broadcast against a batch of `rank`. */
const perExample = (values: tf.Tensor1D, t: tf.Tensor1D, rank: number): tf.Tensor =>
  tf.gather(values, t).reshape([t.shape[0], ...Array<number>(rank - 1).fill(1)]);

/**
 * The forward process q and the reverse process p_θ of a DDPM around a denoiser ε_θ, in model
 * space (data as the denoiser sees it). Holds the schedule's coefficients as constant tensors;
 * `dispose` frees them.
 */
export class Diffusion {
  readonly timesteps: number;
  private readonly sqrtAlphaBar: tf.Tensor1D;
  private readonly sqrtOneMinusAlphaBar: tf.Tensor1D;
  /** Per step: 1/√α_t and β_t/√(1 − ᾱ_t), the reverse mean μ_θ = (x_t − c·ε̂)/√α_t. */
  private readonly meanScale: Float64Array;
  private readonly meanNoise: Float64Array;
  /** Per step t ≥ 2: KL(q(x_{t−1}|x_t,x_0) ‖ p_θ) = klConstant·D + klScale·‖ε̂ − ε‖². */
  private readonly klScale: tf.Tensor1D;
  private readonly klConstant: tf.Tensor1D;

  constructor(
    readonly schedule: DiffusionSchedule,
    private readonly denoiser: Denoiser,
    private readonly decoder: DecoderKind,
  ) {
    const { timesteps, betas, alphaBars, posteriorVariances, reverseLogVariances } = schedule;
    this.timesteps = timesteps;
    const alphas = betas.map((b) => 1 - b);
    this.meanScale = alphas.map((a) => 1 / Math.sqrt(a));
    this.meanNoise = betas.map((b, i) => b / Math.sqrt(1 - alphaBars[i]));
    const klScale = new Float64Array(timesteps);
    const klConstant = new Float64Array(timesteps);
    for (let i = 1; i < timesteps; i += 1) {
      const variance = Math.exp(reverseLogVariances[i]);
      // μ̃ − μ_θ = β_t / (√α_t √(1 − ᾱ_t)) · (ε̂ − ε) for x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε.
      klScale[i] = (0.5 * (this.meanScale[i] * this.meanNoise[i]) ** 2) / variance;
      klConstant[i] = 0.5 * (reverseLogVariances[i] - Math.log(posteriorVariances[i]) + posteriorVariances[i] / variance - 1);
    }
    [this.sqrtAlphaBar, this.sqrtOneMinusAlphaBar, this.klScale, this.klConstant] = [
      alphaBars.map(Math.sqrt),
      alphaBars.map((a) => Math.sqrt(1 - a)),
      klScale,
      klConstant,
    ].map((v) => tf.tensor1d(Float32Array.from(v)));
  }

  /** x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε, a draw from q(x_t | x_0) given its noise ε. */
  noisy(x0: tf.Tensor, t: tf.Tensor1D, eps: tf.Tensor): tf.Tensor {
    return tf.tidy(() =>
      perExample(this.sqrtAlphaBar, t, x0.rank).mul(x0).add(perExample(this.sqrtOneMinusAlphaBar, t, x0.rank).mul(eps)),
    );
  }

  /** Ho et al.'s simple loss: mean of (ε̂(x_t, t) − ε)², t uniform on 1 … T, seeded. */
  simpleLoss(x0: tf.Tensor, seed: number): tf.Scalar {
    return tf.tidy(() => {
      const n = x0.shape[0];
      const t = tf
        .randomUniform([n], 0, this.timesteps, 'float32', deriveSeed(seed, 't'))
        .floor()
        .clipByValue(0, this.timesteps - 1)
        .toInt() as tf.Tensor1D;
      const eps = tf.randomNormal(x0.shape, 0, 1, 'float32', deriveSeed(seed, 'eps'));
      return tf.mean(tf.squaredDifference(this.denoiser.predict(this.noisy(x0, t, eps), t), eps)) as tf.Scalar;
    });
  }

  /** Ancestral sampling over all T steps from x_T ~ N(0, I); the noise of step t is seeded by (seed, t). */
  sample(n: number, seed: number, steps = this.timesteps, options: SampleOptions = {}): tf.Tensor {
    if (steps < this.timesteps) return this.sampleRespaced(n, seed, steps, options);
    let x = tf.randomNormal([n, ...this.denoiser.inputShape], 0, 1, 'float32', deriveSeed(seed, 'x_T'));
    try {
      for (let i = this.timesteps - 1; i >= 0; i -= 1) {
        throwIfSamplingCancelled(options, 'ddpm', this.timesteps - 1 - i, this.timesteps);
        const next = tf.tidy(() => {
          const epsHat = this.denoiser.predict(x, tf.fill([n], i, 'int32') as tf.Tensor1D);
          const mean = x.sub(epsHat.mul(this.meanNoise[i])).mul(this.meanScale[i]);
          if (i === 0) return mean;
          const std = Math.exp(0.5 * this.schedule.reverseLogVariances[i]);
          return mean.add(tf.randomNormal(x.shape, 0, std, 'float32', deriveSeed(seed, 'step', i)));
        });
        x.dispose();
        x = next;
      }
      return x;
    } catch (error) {
      x.dispose();
      throw error;
    }
  }

  /**
   * Ancestral sampling over `steps` < T evenly spaced timesteps τ (Nichol & Dhariwal's
   * respacing): the reverse process of the diffusion with ᾱ'_k = ᾱ_{τ_k}, i.e.
   * β'_k = 1 − ᾱ_{τ_k}/ᾱ_{τ_{k−1}}, with the posterior variance of that respaced process.
   */
  private sampleRespaced(n: number, seed: number, steps: number, options: SampleOptions): tf.Tensor {
    const last = this.timesteps - 1;
    const taus = Array.from({ length: steps }, (_, k) => (steps === 1 ? last : Math.round((k * last) / (steps - 1))));
    const alphaBars = this.schedule.alphaBars;
    let x = tf.randomNormal([n, ...this.denoiser.inputShape], 0, 1, 'float32', deriveSeed(seed, 'x_T'));
    try {
      for (let k = steps - 1; k >= 0; k -= 1) {
        throwIfSamplingCancelled(options, 'ddpm', steps - 1 - k, steps);
        const i = taus[k] as number;
        const abar = alphaBars[i] as number;
        const abarPrev = k > 0 ? (alphaBars[taus[k - 1] as number] as number) : 1;
        const beta = 1 - abar / abarPrev;
        const next = tf.tidy(() => {
          const epsHat = this.denoiser.predict(x, tf.fill([n], i, 'int32') as tf.Tensor1D);
          const mean = x.sub(epsHat.mul(beta / Math.sqrt(1 - abar))).mul(1 / Math.sqrt(1 - beta));
          if (k === 0) return mean;
          const std = Math.sqrt((beta * (1 - abarPrev)) / (1 - abar));
          return mean.add(tf.randomNormal(x.shape, 0, std, 'float32', deriveSeed(seed, 'step', i)));
        });
        x.dispose();
        x = next;
      }
      return x;
    } catch (error) {
      x.dispose();
      throw error;
    }
  }

  /**
   * The variational lower bound on log p(x_0), per example in nats, shape `[n]`:
   * −L_T − Σ_{t≥2} L_{t−1} − L_0, each L_{t−1} estimated with one draw x_t ~ q(x_t | x_0)
   * whose noise is seeded by (seed, t), so the result does not depend on `chunk`, the number
   * of steps evaluated in one batched pass.
   */
  variationalBound(x0: tf.Tensor, seed: number, chunk: number): tf.Tensor1D {
    return tf.tidy(() => {
      const n = x0.shape[0];
      const noise = (i: number) => tf.randomNormal(x0.shape, 0, 1, 'float32', deriveSeed(seed, 't', i));
      let total = this.decoderLogLikelihood(x0, noise(0)).sub(this.priorKl(x0));
      for (let start = 1; start < this.timesteps; start += chunk) {
        const steps = Array.from({ length: Math.min(chunk, this.timesteps - start) }, (_, j) => start + j);
        const kl = tf.tidy(() => {
          const t = tf.tensor1d(Int32Array.from(steps.flatMap((i) => Array<number>(n).fill(i))), 'int32');
          const eps = tf.concat(steps.map(noise));
          const x0s = tf.concat(steps.map(() => x0));
          const errors = sumPerExample(tf.squaredDifference(this.denoiser.predict(this.noisy(x0s, t, eps), t), eps));
          const dims = x0.size / n;
          const perStep = tf.gather(this.klScale, t).mul(errors).add(tf.gather(this.klConstant, t).mul(dims));
          return tf.sum(perStep.reshape([steps.length, n]), 0);
        });
        const previous = total;
        total = previous.sub(kl);
        tf.dispose([previous, kl]);
      }
      return total as tf.Tensor1D;
    });
  }

  /** L_T = KL(q(x_T | x_0) ‖ N(0, I)), per example. */
  private priorKl(x0: tf.Tensor): tf.Tensor1D {
    const alphaBar = this.schedule.alphaBars[this.timesteps - 1];
    return tf.tidy(() =>
      sumPerExample(tf.square(x0).mul(alphaBar).add(-alphaBar - Math.log(1 - alphaBar)).mul(0.5)),
    );
  }

  /** log p_θ(x_0 | x_1) = −L_0 for x_1 ~ q(x_1 | x_0) with noise `eps`, per example. */
  private decoderLogLikelihood(x0: tf.Tensor, eps: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => {
      const t = tf.zeros([x0.shape[0]], 'int32') as tf.Tensor1D;
      const x1 = this.noisy(x0, t, eps);
      const mean = x1.sub(this.denoiser.predict(x1, t).mul(this.meanNoise[0])).mul(this.meanScale[0]);
      const logVar = this.schedule.reverseLogVariances[0];
      if (this.decoder === 'discretized') return discretizedGaussianLogLikelihood(x0, mean, logVar);
      const flat = (v: tf.Tensor) => v.reshape([x0.shape[0], -1]);
      return gaussianLogLikelihood(flat(mean), tf.scalar(logVar), flat(x0)) as tf.Tensor1D;
    });
  }

  dispose(): void {
    tf.dispose([this.sqrtAlphaBar, this.sqrtOneMinusAlphaBar, this.klScale, this.klConstant]);
  }
}
