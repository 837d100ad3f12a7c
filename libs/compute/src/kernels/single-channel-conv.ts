import * as tf from '@tensorflow/tfjs';
import { disposeInfo, runWasmKernel as run, wasmHeap, type KernelArgs } from './wasm-kernel-call';

/*
 * The gradients of a convolution whose image side has one channel (a grayscale input layer)
 * as one matrix product each, on wasm; the input gradient is also the forward pass of a
 * transposed convolution to one channel (an image generator's last layer).
 *
 * Through Conv2D (conv2d-backprop-*.kernel.ts) such layers make XNNPACK products with one
 * output channel, or with the batch as the channels and a 1-image "batch", which run at a
 * tenth of its speed: on dcgan-28 these five calls took 42 ms of a 429 ms one-thread step for
 * 0.13 GFLOP. With one channel the patches are small (kh·kw values per output pixel), so:
 *
 * - filter gradient: dW[t, co] = Σ_r P[t, r] · dy[r, co], where r runs over (b, ho, wo), t
 *   over the taps (i, j), and P[t, r] = x[b, ho·sh + i − top, wo·sw + j − left] (0 in the
 *   padding) is gathered straight into the product's [taps, rows] layout: one BatchMatMul.
 * - input gradient: T = dy · Wᵀ ([rows, taps]; W is the filter as [taps, outC], which with
 *   one input channel is its own memory; Wᵀ is copied out first), then each T[r, t] is added
 *   into the pixel it came from (col2im).
 *
 * The gathers and the scatter walk the wasm heap from JavaScript; they are memory-bound and
 * small (rows·taps values: 200,704 for dcgan-28's layers).
 */

/** The geometry both gradients need. */
interface Geometry {
  readonly n: number;
  readonly height: number;
  readonly width: number;
  readonly outH: number;
  readonly outW: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly top: number;
  readonly left: number;
  /** kh·kw */
  readonly taps: number;
  /** n·Ho·Wo: the output's pixels, the products' rows */
  readonly rows: number;
  readonly outC: number;
}

const geometry = (info: tf.backend_util.Conv2DInfo): Geometry => ({
  n: info.batchSize,
  height: info.inHeight,
  width: info.inWidth,
  outH: info.outHeight,
  outW: info.outWidth,
  kh: info.filterHeight,
  kw: info.filterWidth,
  sh: info.strideHeight,
  sw: info.strideWidth,
  top: info.padInfo.top,
  left: info.padInfo.left,
  taps: info.filterHeight * info.filterWidth,
  rows: info.batchSize * info.outHeight * info.outWidth,
  outC: info.outChannels,
});

/**
 * Whether the single-channel route applies: NHWC, float32, one channel on the image side, and
 * `dy` of the output shape the geometry gives (anything else goes the general way, which checks it).
 */
export const singleChannel = (info: tf.backend_util.Conv2DInfo, dy: tf.TensorInfo, other: tf.TensorInfo): boolean =>
  info.dataFormat === 'channelsLast' &&
  info.inChannels === 1 &&
  [dy, other].every((t) => t.dtype === 'float32') &&
  dy.shape.join() === [info.batchSize, info.outHeight, info.outWidth, info.outChannels].join();

/** a · b as tfjs' wasm BatchMatMul (XNNPACK), both operands as stored. */
const product = (args: KernelArgs, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo =>
  run('BatchMatMul', args, { a, b }, { transposeA: false, transposeB: false } as unknown as tf.NamedAttrMap);

/** dW [kh, kw, 1, outC] of a convolution of x [n, H, W, 1] with output gradient dy [n, Ho, Wo, outC]. */
export function singleChannelFilterGradient(args: KernelArgs, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const g = geometry(info);
  const { taps, rows, outC } = g;
  const heap = wasmHeap(args.backend);
  const patches = heap.makeOutput([1, taps, rows], 'float32');
  const dy3 = run('Reshape', args, { x: dy }, { shape: [1, rows, outC] });
  try {
    // Views only after every allocation: growing the heap detaches older views.
    const source = heap.typedArrayFromHeap(x);
    const target = heap.typedArrayFromHeap(patches);
    for (let i = 0; i < g.kh; i += 1) {
      for (let j = 0; j < g.kw; j += 1) {
        let r = (i * g.kw + j) * rows;
        for (let b = 0; b < g.n; b += 1) {
          for (let ho = 0; ho < g.outH; ho += 1) {
            const y = ho * g.sh + i - g.top;
            if (y < 0 || y >= g.height) {
              target.fill(0, r, r + g.outW);
              r += g.outW;
              continue;
            }
            const base = (b * g.height + y) * g.width;
            for (let wo = 0; wo < g.outW; wo += 1, r += 1) {
              const xc = wo * g.sw + j - g.left;
              target[r] = xc >= 0 && xc < g.width ? (source[base + xc] as number) : 0;
            }
          }
        }
      }
    }
    const dW = product(args, patches, dy3); // [1, taps, outC]
    try {
      return run('Reshape', args, { x: dW }, { shape: [g.kh, g.kw, 1, outC] });
    } finally {
      disposeInfo(args, dW);
    }
  } finally {
    disposeInfo(args, patches);
    disposeInfo(args, dy3);
  }
}

/** dx [n, H, W, 1] of a convolution with filter [kh, kw, 1, outC] and output gradient dy [n, Ho, Wo, outC]. */
export function singleChannelInputGradient(args: KernelArgs, dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const g = geometry(info);
  const { taps, rows, outC } = g;
  const heap = wasmHeap(args.backend);
  const dy3 = run('Reshape', args, { x: dy }, { shape: [1, rows, outC] });
  // Wᵀ [outC, taps], copied here: tfjs' wasm BatchMatMul with transposeB is ~10× slower than a plain one.
  const wT = heap.makeOutput([1, outC, taps], 'float32');
  let columns: tf.TensorInfo | undefined;
  try {
    const w = heap.typedArrayFromHeap(filter);
    const t0 = heap.typedArrayFromHeap(wT);
    for (let t = 0; t < taps; t += 1) for (let c = 0; c < outC; c += 1) t0[c * taps + t] = w[t * outC + c] as number;
    columns = product(args, dy3, wT); // [1, rows, taps]
    const dx = heap.makeOutput([g.n, g.height, g.width, 1], 'float32');
    const source = heap.typedArrayFromHeap(columns);
    const target = heap.typedArrayFromHeap(dx);
    target.fill(0);
    let t = 0;
    for (let b = 0; b < g.n; b += 1) {
      for (let ho = 0; ho < g.outH; ho += 1) {
        for (let wo = 0; wo < g.outW; wo += 1, t += taps) {
          for (let i = 0; i < g.kh; i += 1) {
            const y = ho * g.sh + i - g.top;
            if (y < 0 || y >= g.height) continue;
            const base = (b * g.height + y) * g.width;
            for (let j = 0; j < g.kw; j += 1) {
              const xc = wo * g.sw + j - g.left;
              if (xc >= 0 && xc < g.width) target[base + xc] += source[t + i * g.kw + j] as number;
            }
          }
        }
      }
    }
    return dx;
  } finally {
    disposeInfo(args, dy3);
    disposeInfo(args, wT);
    if (columns) disposeInfo(args, columns);
  }
}
