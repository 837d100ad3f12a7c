import { deriveSeed, tf } from '@genlab/compute';
import { applyDense, createDense, type Dense } from '../nn/dense';
import type { ParameterSet } from '../nn/parameter-set';
import { conv2dSame } from './conv2d-same';
import type { Denoiser } from './ddpm.denoiser';
import { sinusoidalTable } from './ddpm.time-embedding';

interface Conv {
  /** `[k, k, cin, cout]` */
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
}

/** A k×k convolution `<name>.kernel`/`<name>.bias`, initialised like PyTorch's Conv2d (or zero, for output layers). */
function createConv(params: ParameterSet, name: string, k: number, cin: number, cout: number, seed: number, zero = false): Conv {
  const bound = 1 / Math.sqrt(k * k * cin);
  const init = (shape: number[], part: string) => () =>
    zero ? tf.zeros(shape) : tf.randomUniform(shape, -bound, bound, 'float32', deriveSeed(seed, name, part));
  return {
    kernel: params.add(`${name}.kernel`, [k, k, cin, cout], init([k, k, cin, cout], 'kernel')),
    bias: params.add(`${name}.bias`, [cout], init([cout], 'bias')),
  };
}

const conv = (layer: Conv, x: tf.Tensor4D): tf.Tensor4D => tf.add(conv2dSame(x, layer.kernel as tf.Tensor4D), layer.bias);

/** 2×2 average pooling as a reshape and a mean (its gradient is a broadcast, fast on any backend). */
function averagePool2(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  return tf.mean(x.reshape([n, h / 2, 2, w / 2, 2, c]), [2, 4]) as tf.Tensor4D;
}

const silu = <T extends tf.Tensor>(x: T): T => tf.mul(x, tf.sigmoid(x));

/** Ho et al.'s residual block without normalisation: conv → + time projection → conv (zero-initialised), plus a skip. */
interface ResBlock {
  readonly conv1: Conv;
  readonly time: Dense;
  readonly conv2: Conv;
  readonly skip?: Conv;
}

function createResBlock(params: ParameterSet, name: string, cin: number, cout: number, timeDim: number, seed: number): ResBlock {
  return {
    conv1: createConv(params, `${name}.conv1`, 3, cin, cout, seed),
    time: createDense(params, `${name}.time`, timeDim, cout, seed),
    conv2: createConv(params, `${name}.conv2`, 3, cout, cout, seed, true),
    skip: cin === cout ? undefined : createConv(params, `${name}.skip`, 1, cin, cout, seed),
  };
}

function applyResBlock(block: ResBlock, x: tf.Tensor4D, time: tf.Tensor2D): tf.Tensor4D {
  const h = conv(block.conv1, silu(x));
  const shift = applyDense(block.time, time);
  const h2 = conv(block.conv2, silu(tf.add(h, shift.reshape([shift.shape[0], 1, 1, shift.shape[1]]))));
  return tf.add(block.skip ? conv(block.skip, x) : x, h2);
}

export interface UnetOptions {
  readonly imageShape: readonly [number, number, number];
  readonly baseChannels: number;
  readonly levels: 1 | 2;
  readonly timesteps: number;
  readonly timeEmbeddingDim: number;
  readonly seed: number;
}

/**
 * A small U-Net ε_θ for images `[n, H, W, C]` (after Ho et al., without attention or
 * normalisation): conv in → residual block at full resolution (B channels) → [levels = 2:
 * downsampling → residual blocks at half resolution (2B) → nearest-neighbour upsampling →
 * concatenation with the full-resolution skip] → residual block → conv out. Downsampling is
 * 2×2 average pooling then a 3×3 conv (one of Ho et al.'s two options); every conv has stride
 * 1, so all use `conv2dSame` and its fast input gradient.
 * With levels = 1 the two residual blocks both run at full resolution.
 * The embedding of t passes through a 2-layer MLP and is added in every residual block.
 */
export function createUnetDenoiser(params: ParameterSet, options: UnetOptions): Denoiser {
  const { imageShape, baseChannels: b, levels, timesteps, timeEmbeddingDim, seed } = options;
  const [height, width, channels] = imageShape;
  const timeDim = 4 * b;
  const table = sinusoidalTable(timesteps, timeEmbeddingDim);
  const time0 = createDense(params, 'unet.time.0', timeEmbeddingDim, timeDim, seed);
  const time1 = createDense(params, 'unet.time.1', timeDim, timeDim, seed);
  const input = createConv(params, 'unet.in', 3, channels, b, seed);
  const down = createResBlock(params, 'unet.down', b, b, timeDim, seed);
  const lower =
    levels === 2
      ? {
          downsample: createConv(params, 'unet.downsample', 3, b, b, seed),
          block: createResBlock(params, 'unet.low', b, 2 * b, timeDim, seed),
          middle: createResBlock(params, 'unet.middle', 2 * b, 2 * b, timeDim, seed),
        }
      : undefined;
  const up = createResBlock(params, 'unet.up', levels === 2 ? 3 * b : b, b, timeDim, seed);
  // Not zero-initialised (unlike Ho et al.'s output layer): an untrained model's samples then
  // depend on its run seed, as the contract requires.
  const output = createConv(params, 'unet.out', 3, b, channels, seed);

  return {
    inputShape: [...imageShape],
    activationElements: height * width * 3 * b,
    predict: (x, t) =>
      tf.tidy(() => {
        const time = applyDense(time1, silu(applyDense(time0, tf.gather(table, t) as tf.Tensor2D))) as tf.Tensor2D;
        const activeTime = silu(time);
        const h0 = conv(input, x as tf.Tensor4D);
        const skip = applyResBlock(down, h0, activeTime);
        let h = skip;
        if (lower) {
          const low = applyResBlock(lower.middle, applyResBlock(lower.block, conv(lower.downsample, averagePool2(skip)), activeTime), activeTime);
          h = tf.concat([tf.image.resizeNearestNeighbor(low, [height, width]), skip], 3);
        }
        return conv(output, silu(applyResBlock(up, h, activeTime)));
      }),
    dispose: () => table.dispose(),
  };
}
