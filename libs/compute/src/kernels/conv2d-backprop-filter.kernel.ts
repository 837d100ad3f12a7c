import * as tf from '@tensorflow/tfjs';
import { singleChannel, singleChannelFilterGradient } from './single-channel-conv';
import { disposeInfo, runWasmKernel as run, wasmHeap, type KernelArgs } from './wasm-kernel-call';

/*
 * tfjs-backend-wasm 4.22.0 registers Conv2D and Conv2DBackpropInput but not
 * Conv2DBackpropFilter, so the filter gradient of conv2d (and of conv2dTranspose, whose
 * filter gradient is the same kernel with x and dy swapped) fails on wasm. This kernel
 * computes it from kernels wasm has (STACK.md):
 *
 *   dW[i, j, ci, co] = Σ_{b, ho, wo} xpad[b, ho·s + i, wo·s + j, ci] · dy[b, ho, wo, co]
 *
 * is a 'valid' convolution, with dilation = stride, of x transposed to [Cin, H, W, B]
 * (Cin as the batch, B as the channels) with dy transposed to [Ho, Wo, B, Cout] (a filter
 * of size Ho×Wo from B to Cout channels). Its output [Cin, ≥kh, ≥kw, Cout] is sliced to
 * the kernel size and transposed to [kh, kw, Cin, Cout]. The forward padding ('same',
 * 'valid', a number or explicit) becomes the explicit padding of that convolution.
 * A single-channel x (NHWC) takes one matrix product instead (single-channel-conv.ts).
 */

type Perm = [number, number, number, number];

function conv2dBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const { inputs, attrs } = args;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const channelsLast = tf.backend_util.convertConv2DDataFormat(dataFormat) === 'channelsLast';
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    channelsLast ? 'channelsLast' : 'channelsFirst',
  );
  if (singleChannel(info, dy, x)) return singleChannelFilterGradient(args, x, dy, info);
  const { top, bottom, left, right } = info.padInfo;
  const [kh, kw] = [info.filterHeight, info.filterWidth];

  const temporaries: tf.TensorInfo[] = [];
  const keep = (t: tf.TensorInfo) => (temporaries.push(t), t);
  try {
    // x: NHWC [B, H, W, Cin] or NCHW [B, Cin, H, W] → [Cin, H, W, B];
    // dy: NHWC [B, Ho, Wo, Cout] or NCHW [B, Cout, Ho, Wo] → [Ho, Wo, B, Cout].
    const xPerm: Perm = channelsLast ? [3, 1, 2, 0] : [1, 2, 3, 0];
    const dyPerm: Perm = channelsLast ? [1, 2, 0, 3] : [2, 3, 0, 1];
    const xT = keep(channelsLast && x.dtype === 'float32' ? swapOuterAxes(args, x) : run('Transpose', args, { x }, { perm: xPerm }));
    const dyT = keep(run('Transpose', args, { x: dy }, { perm: dyPerm }));
    const full = keep(
      run('Conv2D', args, { x: xT, filter: dyT }, {
        strides: [1, 1],
        pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
        dataFormat: 'NHWC',
        dilations: [info.strideHeight, info.strideWidth],
      } as unknown as tf.NamedAttrMap),
    );
    const [cin, fullH, fullW, cout] = full.shape;
    const cropped = fullH === kh && fullW === kw ? full : keep(run('Slice', args, { x: full }, { begin: [0, 0, 0, 0], size: [cin, kh, kw, cout] }));
    return run('Transpose', args, { x: cropped }, { perm: [1, 2, 0, 3] });
  } finally {
    temporaries.forEach((t) => disposeInfo(args, t));
  }
}

/** Tile edge of `swapOuterAxes`: 8 × 8 values, each read row and written row a run of 32 bytes. */
const TILE = 8;

/**
 * x [B, H, W, C] → [C, H, W, B] (the Transpose with perm [3, 1, 2, 0]): for each pixel, a
 * B × C matrix transposed, in 8 × 8 tiles, on the heap. tfjs' wasm Transpose walks this
 * rank-4 permutation element by element: 6 ms for dcgan-28's [64, 14, 14, 64], on one thread
 * whatever the thread count, 3 times a step.
 */
function swapOuterAxes(args: KernelArgs, x: tf.TensorInfo): tf.TensorInfo {
  const [b, h, w, c] = x.shape;
  const pixels = h * w;
  const heap = wasmHeap(args.backend);
  const out = heap.makeOutput([c, h, w, b], 'float32');
  const source = heap.typedArrayFromHeap(x);
  const target = heap.typedArrayFromHeap(out);
  const [inRow, outRow] = [pixels * c, pixels * b]; // strides of one image (B) and of one channel (C)
  for (let p = 0; p < pixels; p += 1) {
    for (let b0 = 0; b0 < b; b0 += TILE) {
      const bEnd = Math.min(b, b0 + TILE);
      for (let c0 = 0; c0 < c; c0 += TILE) {
        const cEnd = Math.min(c, c0 + TILE);
        for (let ci = c0; ci < cEnd; ci += 1) {
          const to = ci * outRow + p * b;
          for (let bi = b0; bi < bEnd; bi += 1) target[to + bi] = source[bi * inRow + p * c + ci] as number;
        }
      }
    }
  }
  return out;
}

export const wasmConv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
};
