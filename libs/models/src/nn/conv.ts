import { deriveSeed, tf } from '@genlab/compute';
import type { ParameterSet } from './parameter-set';

/*
 * Convolution and transposed convolution, NHWC, 'same' padding, initialised like PyTorch's
 * (weights and biases uniform in ±1/√fan_in, seeded per parameter). Their gradients need
 * Conv2DBackpropFilter on wasm, which @genlab/compute registers (STACK.md). Used by the GAN
 * networks and the conv VAE.
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
