import { deriveSeed, tf } from '@genlab/compute';
import type { ParameterSet } from '../nn/parameter-set';

/*
 * Convolution, transposed convolution and batch normalisation for the GAN networks, NHWC,
 * initialised like PyTorch's (weights and biases uniform in ±1/√fan_in). Their gradients
 * need Conv2DBackpropFilter on wasm, which @genlab/compute registers (STACK.md).
 */

const uniform = (seed: number, name: string, part: string, shape: number[], bound: number) => () =>
  tf.randomUniform(shape, -bound, bound, 'float32', deriveSeed(seed, name, part));

export interface Conv {
  /** conv: `[k, k, in, out]`; transposed conv: `[k, k, out, in]` (tfjs' layout). */
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
  readonly stride: number;
}

/** A k×k convolution `in → out` channels, 'same' padding (PyTorch padding 1 for k4 s2). */
export function createConv(params: ParameterSet, name: string, k: number, inC: number, outC: number, stride: number, seed: number): Conv {
  const bound = 1 / Math.sqrt(inC * k * k);
  return {
    kernel: params.add(`${name}.kernel`, [k, k, inC, outC], uniform(seed, name, 'kernel', [k, k, inC, outC], bound)),
    bias: params.add(`${name}.bias`, [outC], uniform(seed, name, 'bias', [outC], bound)),
    stride,
  };
}

export const applyConv = (layer: Conv, x: tf.Tensor4D): tf.Tensor4D =>
  tf.add(tf.conv2d(x, layer.kernel as tf.Tensor4D, layer.stride, 'same'), layer.bias);

/** A k×k transposed convolution `in → out` channels; fan-in as PyTorch's ConvTranspose2d counts it (out·k·k). */
export function createConvTranspose(params: ParameterSet, name: string, k: number, inC: number, outC: number, stride: number, seed: number): Conv {
  const bound = 1 / Math.sqrt(outC * k * k);
  return {
    kernel: params.add(`${name}.kernel`, [k, k, outC, inC], uniform(seed, name, 'kernel', [k, k, outC, inC], bound)),
    bias: params.add(`${name}.bias`, [outC], uniform(seed, name, 'bias', [outC], bound)),
    stride,
  };
}

/** Upsamples `[n, h, w, in]` to `[n, h·stride, w·stride, out]` ('same' padding: PyTorch's k4 s2 p1). */
export function applyConvTranspose(layer: Conv, x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w] = x.shape;
  const outC = layer.kernel.shape[2] as number;
  const out = tf.conv2dTranspose(x, layer.kernel as tf.Tensor4D, [n, h * layer.stride, w * layer.stride, outC], layer.stride, 'same');
  return tf.add(out, layer.bias);
}

/**
 * max(x, slope·x) written as slope·x + (1 − slope)·relu(x): tfjs' LeakyRelu gradient goes
 * through `greater`, which has no gradient itself, so WGAN-GP's gradient of a gradient would
 * fail; relu's goes through `step`, which has one (zero).
 */
export const leakyRelu = (x: tf.Tensor, slope = 0.2): tf.Tensor => tf.add(tf.mul(slope, x), tf.mul(1 - slope, tf.relu(x)));

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
  }
  const scale = tf.mul(bn.gamma, tf.rsqrt(tf.add(variance, BN_EPSILON)));
  return tf.add(tf.mul(tf.sub(x, mean), scale), bn.beta);
}
