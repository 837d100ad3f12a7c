import * as tf from '@tensorflow/tfjs';
import { singleChannel, singleChannelInputGradient } from './single-channel-conv';
import { disposeInfo, runWasmKernel as run, wasmHeap, type KernelArgs } from './wasm-kernel-call';

/*
 * tfjs-backend-wasm's own Conv2DBackpropInput (the input gradient of conv2d, and the forward
 * pass of conv2dTranspose) is a plain loop, far slower than its XNNPACK Conv2D: for
 * dcgan-28's [64, 7, 7, 128] → [64, 14, 14, 64] layer it was most of a training step. This
 * kernel computes the same thing with Conv2D:
 *
 *   dx[b, y, x, ci] = Σ_{ho, wo, i, j, co: ho·s + i − top = y, wo·s + j − left = x} dy[b, ho, wo, co] · W[i, j, ci, co]
 *
 * - Sub-pixel (when the strides are equal and divide the input size): the outputs with
 *   y ≡ ry, x ≡ rx (mod s) take only the filter taps i ≡ (ry + top), j ≡ (rx + left)
 *   (mod s); each of the s² phases is a stride-1 correlation of dy with that sub-filter,
 *   rotated by 180° and with its channels swapped, and the phases are copied into place.
 *   It does exactly the multiplications of a direct transposed convolution.
 * - Otherwise, dy upsampled with s − 1 zeros between values, padded by k − 1 − pad, is
 *   correlated at stride 1 with the whole rotated filter (s² times the multiplications,
 *   most by zero, and still faster than the loop).
 * - A single-channel input (an image layer) takes one matrix product and a col2im instead
 *   (single-channel-conv.ts).
 * NCHW, and paddings wider than the kernel, go to wasm's own kernel.
 */

type Pair = [number, number];

export function createConv2dBackpropInputKernel(fallback: tf.KernelFunc): tf.KernelFunc {
  const kernel = (args: KernelArgs): tf.TensorInfo => {
    const { inputs, attrs } = args;
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const { inputShape, strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
    if (tf.backend_util.convertConv2DDataFormat(dataFormat) !== 'channelsLast' || filter.dtype !== 'float32') return fallback(args) as tf.TensorInfo;
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    if (singleChannel(info, dy, filter)) return singleChannelInputGradient(args, dy, filter, info);
    const [kh, kw] = [info.filterHeight, info.filterWidth];
    const [sh, sw] = [info.strideHeight, info.strideWidth];
    const [n, height, width] = inputShape;
    const [, outH, outW, outC] = dy.shape;
    const padTop = kh - 1 - info.padInfo.top;
    const padLeft = kw - 1 - info.padInfo.left;
    if (padTop < 0 || padLeft < 0) return fallback(args) as tf.TensorInfo;

    const subPixel = subPixelPlan(info, inputShape, dy.shape as number[]);
    if (subPixel) return subPixelBackpropInput(args, dy, filter, subPixel);

    const temporaries: tf.TensorInfo[] = [];
    const keep = (t: tf.TensorInfo) => (temporaries.push(t), t);
    try {
      // Zero-upsample: [n, Ho, 1, Wo, 1, C] padded to [n, Ho, sh, Wo, sw, C] is [n, Ho·sh, Wo·sw, C].
      let u = dy;
      if (sh > 1 || sw > 1) {
        const split = keep(run('Reshape', args, { x: dy }, { shape: [n, outH, 1, outW, 1, outC] }));
        const spread = keep(
          run('PadV2', args, { x: split }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 }),
        );
        u = keep(run('Reshape', args, { x: spread }, { shape: [n, outH * sh, outW * sw, outC] }));
      }
      // Rows/columns of u the correlation needs below/right of it (negative: u is too long).
      let padBottom = height + kh - 1 - padTop - u.shape[1];
      let padRight = width + kw - 1 - padLeft - u.shape[2];
      if (padBottom < 0 || padRight < 0) {
        const size = [n, u.shape[1] + Math.min(0, padBottom), u.shape[2] + Math.min(0, padRight), outC];
        u = keep(run('Slice', args, { x: u }, { begin: [0, 0, 0, 0], size }));
        [padBottom, padRight] = [Math.max(0, padBottom), Math.max(0, padRight)];
      }
      const [rotated] = tapFilters(args, filter, [rotatedTaps(kh, kw)]).map(keep);
      const pads: Pair[] = [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]];
      return run('Conv2D', args, { x: u, filter: rotated }, {
        strides: [1, 1],
        pad: pads,
        dataFormat: 'NHWC',
        dilations: [1, 1],
      } as unknown as tf.NamedAttrMap);
    } finally {
      temporaries.forEach((t) => disposeInfo(args, t));
    }
  };
  return kernel as unknown as tf.KernelFunc;
}

/** One output phase along one axis: filter taps r, r + s, …, and the correlation's padding. */
interface AxisPhase {
  readonly firstTap: number;
  readonly taps: number;
  readonly padBefore: number;
  readonly padAfter: number;
}

interface SubPixelPlan {
  readonly stride: number;
  /** `[ry][rx]` */
  readonly phases: (readonly [AxisPhase, AxisPhase])[][];
}

/** Output phase `r` of an axis: input size `size` (divisible by `s`), dy size `dySize`, kernel `k`, leading pad `pad`. */
function axisPhase(r: number, s: number, k: number, pad: number, size: number, dySize: number): AxisPhase | undefined {
  const firstTap = (r + pad) % s;
  const shift = Math.floor((r + pad) / s);
  const taps = Math.ceil((k - firstTap) / s);
  const padBefore = taps - 1 - shift;
  const padAfter = size / s + taps - 1 - padBefore - dySize;
  return taps > 0 && padBefore >= 0 && padAfter >= 0 ? { firstTap, taps, padBefore, padAfter } : undefined;
}

function subPixelPlan(info: tf.backend_util.Conv2DInfo, inputShape: readonly number[], dyShape: readonly number[]): SubPixelPlan | undefined {
  const s = info.strideHeight;
  const [, height, width] = inputShape;
  if (s !== info.strideWidth || height % s !== 0 || width % s !== 0) return undefined;
  const phases: (readonly [AxisPhase, AxisPhase])[][] = [];
  for (let ry = 0; ry < s; ry += 1) {
    const row: (readonly [AxisPhase, AxisPhase])[] = [];
    for (let rx = 0; rx < s; rx += 1) {
      const py = axisPhase(ry, s, info.filterHeight, info.padInfo.top, height, dyShape[1]);
      const px = axisPhase(rx, s, info.filterWidth, info.padInfo.left, width, dyShape[2]);
      if (!py || !px) return undefined;
      row.push([py, px]);
    }
    phases.push(row);
  }
  return { stride: s, phases };
}

/**
 * Filters made of chosen taps of `filter` [kh, kw, inC, outC]: filter `f` is
 * [rows_f, cols_f, outC, inC] (channels swapped) with tap (a, b) = filter[taps_f[a·cols_f + b]].
 * The channel swap is one Transpose; the taps are then copied row by row (outC·inC values
 * each) out of the heap. tfjs' Reverse and rank-5 Transpose, which did this before, walk
 * element by element and took 6–12 ms each on dcgan-28's 4×4×64×128 filter, more than
 * a quarter of the whole input gradient.
 */
function tapFilters(args: KernelArgs, filter: tf.TensorInfo, picks: readonly { rows: number; cols: number; taps: readonly [number, number][] }[]): tf.TensorInfo[] {
  const [, kw, inC, outC] = filter.shape;
  const heap = wasmHeap(args.backend);
  const swapped = run('Transpose', args, { x: filter }, { perm: [0, 1, 3, 2] });
  try {
    const outputs = picks.map(({ rows, cols }) => heap.makeOutput([rows, cols, outC, inC], 'float32'));
    // Views only after every allocation: growing the heap detaches older views.
    const source = heap.typedArrayFromHeap(swapped);
    const row = outC * inC;
    picks.forEach(({ taps }, f) => {
      const target = heap.typedArrayFromHeap(outputs[f]);
      taps.forEach(([i, j], t) => target.set(source.subarray((i * kw + j) * row, (i * kw + j + 1) * row), t * row));
    });
    return outputs;
  } finally {
    disposeInfo(args, swapped);
  }
}

/** Every tap of the filter rotated by 180° (the correlation that undoes a stride-1 convolution). */
const rotatedTaps = (kh: number, kw: number) => ({
  rows: kh,
  cols: kw,
  taps: Array.from({ length: kh * kw }, (_, t): [number, number] => [kh - 1 - Math.floor(t / kw), kw - 1 - (t % kw)]),
});

/**
 * The rotated sub-filters `[My, Mx, outC, inC]` of every phase, in `plan.phases.flat()` order.
 * Rotating the whole filter (reverse both spatial axes, swap the channels) makes each phase's
 * taps an increasing run with stride s from (k − 1 − firstTap) mod s of the rotated filter.
 */
function phaseFilters(args: KernelArgs, filter: tf.TensorInfo, plan: SubPixelPlan): tf.TensorInfo[] {
  const [kh, kw] = filter.shape;
  const s = plan.stride;
  const offset = (k: number, firstTap: number) => (k - 1 - firstTap) % s;
  const picks = plan.phases.flat().map(([py, px]) => {
    const [oy, ox] = [offset(kh, py.firstTap), offset(kw, px.firstTap)];
    const taps: [number, number][] = [];
    for (let a = 0; a < py.taps; a += 1) for (let b = 0; b < px.taps; b += 1) taps.push([kh - 1 - (oy + a * s), kw - 1 - (ox + b * s)]);
    return { rows: py.taps, cols: px.taps, taps };
  });
  return tapFilters(args, filter, picks);
}

function subPixelBackpropInput(args: KernelArgs, dy: tf.TensorInfo, filter: tf.TensorInfo, plan: SubPixelPlan): tf.TensorInfo {
  const s = plan.stride;
  const n = dy.shape[0];
  const inC = filter.shape[2];
  const temporaries: tf.TensorInfo[] = [];
  const keep = (t: tf.TensorInfo) => (temporaries.push(t), t);
  try {
    const filters = phaseFilters(args, filter, plan).map(keep);
    const outputs = plan.phases.flat().map(([py, px], i) =>
      keep(
        run('Conv2D', args, { x: dy, filter: filters[i] }, {
          strides: [1, 1],
          pad: [[0, 0], [py.padBefore, py.padAfter], [px.padBefore, px.padAfter], [0, 0]],
          dataFormat: 'NHWC',
          dilations: [1, 1],
        } as unknown as tf.NamedAttrMap),
      ),
    );
    if (s === 1) {
      temporaries.pop(); // the one phase is the result
      return outputs[0];
    }
    // Phase (ry, rx)'s pixel (b, p, q) is the output's pixel (b, p·s + ry, q·s + rx): copied
    // there C values at a time. (Concat, then tfjs' rank-4 Transpose of [n·P, Q, s, s·C], which
    // walks element by element, cost about 1.5 ms more per call on dcgan-28's layer.)
    const [p, q] = [outputs[0].shape[1], outputs[0].shape[2]];
    const heap = wasmHeap(args.backend);
    const out = heap.makeOutput([n, p * s, q * s, inC], 'float32');
    const target = heap.typedArrayFromHeap(out);
    const rowStride = q * s * inC;
    plan.phases.flat().forEach((_, phase) => {
      const [ry, rx] = [Math.floor(phase / s), phase % s];
      const source = heap.typedArrayFromHeap(outputs[phase]);
      let from = 0;
      for (let b = 0; b < n; b += 1) {
        for (let row = 0; row < p; row += 1) {
          let to = ((b * p + row) * s + ry) * rowStride + rx * inC;
          for (let col = 0; col < q; col += 1, to += s * inC) {
            for (let c = 0; c < inC; c += 1) target[to + c] = source[from++] as number;
          }
        }
      }
    });
    return out;
  } finally {
    temporaries.forEach((t) => disposeInfo(args, t));
  }
}
