import { tf } from '@genlab/compute';
import type { ParameterSet } from '../nn/parameter-set';

/*
 * The GAN-specific layers: LeakyReLU and batch normalisation. The convolutions the networks
 * use are shared with other families (`nn/conv.ts`).
 */

/**
 * max(x, slope·x) as x·m with m = step(x, slope) (1 above 0, `slope` below), and dy·m as its
 * gradient, m kept from the forward pass: three kernels in all. tfjs' own LeakyRelu gradient
 * goes through `greater`, which has no gradient itself, so WGAN-GP's gradient of a gradient
 * would fail; here the gradient is a product with a constant, whose own gradient is m. Written
 * as slope·x + (1 − slope)·relu(x) it took eleven full passes over the activation, and tfjs'
 * wasm LeakyRelu alone takes as long as two products.
 */
export function leakyRelu(x: tf.Tensor, slope = 0.2): tf.Tensor {
  const f = tf.customGrad((xIn, save) => {
    const mask = tf.step(xIn as tf.Tensor, slope);
    (save as tf.GradSaveFunc)([mask]);
    return {
      value: tf.mul(xIn as tf.Tensor, mask),
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.mul(dy, saved as tf.Tensor),
    };
  }) as (x: tf.Tensor) => tf.Tensor;
  return f(x);
}

export interface BatchNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  /** Non-trainable running statistics (in the model's buffer set, saved with it). */
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
}

/** Batch-norm mode: batch statistics (updating the running ones if asked), or the running ones. */
export type NormMode = { readonly training: true; readonly updateStats: boolean } | { readonly training: false };

const BN_EPSILON = 1e-5;
const BN_MOMENTUM = 0.1;

/** PyTorch's BatchNorm1d/2d: γ = 1, β = 0, running mean 0 and variance 1, ε 1e-5, momentum 0.1. */
export function createBatchNorm(params: ParameterSet, buffers: ParameterSet, name: string, channels: number): BatchNorm {
  return {
    gamma: params.add(`${name}.gamma`, [channels], () => tf.ones([channels])),
    beta: params.add(`${name}.beta`, [channels], () => tf.zeros([channels])),
    runningMean: buffers.add(`${name}.runningMean`, [channels], () => tf.zeros([channels])),
    runningVar: buffers.add(`${name}.runningVar`, [channels], () => tf.ones([channels])),
  };
}

/**
 * Normalises over every axis but the last (features of `[n, d]`, channels of NHWC). In
 * training mode with `updateStats`, the running statistics move towards the batch's (the
 * variance unbiased, as PyTorch keeps it); assigning them does not enter any gradient.
 */
export function applyBatchNorm(bn: BatchNorm, x: tf.Tensor, mode: NormMode): tf.Tensor {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  let mean: tf.Tensor;
  let variance: tf.Tensor;
  if (mode.training) {
    ({ mean, variance } = tf.moments(x, axes));
    if (mode.updateStats) {
      const count = x.size / x.shape[x.rank - 1];
      const unbiased = count > 1 ? count / (count - 1) : 1;
      const [m, v] = [mean, variance];
      tf.tidy(() => {
        bn.runningMean.assign(tf.add(tf.mul(1 - BN_MOMENTUM, bn.runningMean), tf.mul(BN_MOMENTUM, m)));
        bn.runningVar.assign(tf.add(tf.mul(1 - BN_MOMENTUM, bn.runningVar), tf.mul(BN_MOMENTUM * unbiased, v)));
      });
    }
  } else {
    [mean, variance] = [bn.runningMean, bn.runningVar];
    const scale = tf.mul(bn.gamma, tf.rsqrt(tf.add(variance, BN_EPSILON)));
    return tf.add(tf.mul(tf.sub(x, mean), scale), bn.beta);
  }
  return normaliseWithBatchStats(x, bn.gamma, bn.beta, mean, variance, axes);
}

/**
 * γ·x̂ + β with x̂ = (x − μ)/√(σ² + ε) for the batch's own μ, σ² (biased), with the closed-form
 * gradient: ∂x = γ/(N√(σ²+ε)) · (N·dy − Σdy − x̂·Σ(dy·x̂)), ∂γ = Σ(dy·x̂), ∂β = Σdy (sums over
 * `axes`, N their size). tfjs' own derivative through `moments` takes several times the
 * kernels, most of them full-size reductions (PERFORMANCE.md). `mean` and `variance` must be
 * `moments(x, axes)`; they are used in the forward pass only.
 */
function normaliseWithBatchStats(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, axes: number[]): tf.Tensor {
  const count = x.size / x.shape[x.rank - 1];
  const f = tf.customGrad((xIn, g, b, save) => {
    const invStd = tf.rsqrt(tf.add(variance, BN_EPSILON));
    const xHat = tf.mul(tf.sub(xIn as tf.Tensor, mean), invStd);
    (save as tf.GradSaveFunc)([xHat, tf.mul(g as tf.Tensor, invStd)]);
    return {
      value: tf.add(tf.mul(xHat, g as tf.Tensor), b as tf.Tensor),
      gradFunc: (dy: tf.Tensor, [savedXHat, gammaInvStd]: tf.Tensor[]) => {
        const sumDy = tf.sum(dy, axes);
        const sumDyXHat = tf.sum(tf.mul(dy, savedXHat), axes);
        const centred = tf.sub(tf.sub(tf.mul(dy, count), sumDy), tf.mul(savedXHat, sumDyXHat));
        return [tf.mul(centred, tf.div(gammaInvStd, count)), sumDyXHat, sumDy];
      },
    };
  }) as (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor;
  return f(x, gamma, beta);
}
