import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '../index';

type Pad = 'same' | 'valid';

/** Deterministic pseudo-random values (no backend involved), so both backends see the same inputs. */
const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 97.13 + i * 12.9898) * 0.5);
const size = (shape: number[]) => shape.reduce((a, d) => a * d, 1);

/** Runs `fn` on `backend`, reading every returned tensor back, then returns to wasm. */
async function on(backend: 'cpu' | 'wasm', fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  try {
    const out = tf.tidy(fn);
    const data = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
    tf.dispose(out);
    return data;
  } finally {
    await tf.setBackend('wasm');
  }
}

const maxRelDiff = (a: Float32Array, b: Float32Array) => {
  const scale = Math.max(1e-3, ...Array.from(b, Math.abs));
  return Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]))) / scale;
};

interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
  pad: Pad;
}

const CASES: Case[] = [
  { x: [2, 5, 5, 1], filter: [3, 3, 1, 2], stride: 1, pad: 'same' },
  { x: [2, 5, 5, 1], filter: [3, 3, 1, 2], stride: 1, pad: 'valid' },
  { x: [3, 28, 28, 1], filter: [4, 4, 1, 8], stride: 2, pad: 'same' }, // dcgan-28's first layer, narrower
  { x: [2, 14, 14, 4], filter: [4, 4, 4, 6], stride: 2, pad: 'same' },
  { x: [2, 7, 9, 3], filter: [3, 2, 3, 4], stride: 2, pad: 'valid' }, // odd sizes, rows/cols left over
  { x: [1, 8, 6, 2], filter: [5, 3, 2, 3], stride: 2, pad: 'same' },
  { x: [4, 6, 6, 3], filter: [1, 1, 3, 5], stride: 1, pad: 'valid' },
  { x: [11, 5, 6, 13], filter: [3, 3, 13, 4], stride: 2, pad: 'same' }, // batch and channels past one 8 × 8 tile of the x transpose
  // One input channel: both gradients by one matrix product (single-channel-conv.ts).
  { x: [2, 9, 7, 1], filter: [3, 4, 1, 3], stride: 2, pad: 'valid' },
  { x: [3, 9, 7, 1], filter: [5, 2, 1, 4], stride: 3, pad: 'same' },
];

describe('genlab\'s conv gradient kernels on wasm', () => {
  beforeAll(async () => {
    await initCompute({ logger: false });
  });

  it('are registered for wasm once compute is initialised', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBeDefined();
  });

  it('compute conv2dTranspose (Conv2DBackpropInput) as the cpu backend does', async () => {
    for (const [inShape, filter, outShape, stride, pad] of [
      [[3, 7, 7, 8], [4, 4, 4, 8], [3, 14, 14, 4], 2, 'same'],
      [[2, 14, 14, 4], [4, 4, 1, 4], [2, 28, 28, 1], 2, 'same'],
      [[2, 5, 5, 3], [3, 3, 2, 3], [2, 11, 11, 2], 2, 'valid'],
      [[2, 4, 5, 3], [3, 2, 2, 3], [2, 9, 10, 2], 2, 'valid'],
      [[1, 6, 6, 2], [3, 3, 5, 2], [1, 6, 6, 5], 1, 'same'],
      [[2, 3, 3, 2], [5, 5, 3, 2], [2, 7, 7, 3], 1, 'valid'],
      [[1, 4, 4, 2], [2, 2, 3, 2], [1, 12, 12, 3], 3, 'same'],
    ] as [number[], number[], number[], number, Pad][]) {
      const forward = () => [
        tf.conv2dTranspose(tf.tensor4d(values(size(inShape), 1), inShape as never), tf.tensor4d(values(size(filter), 2), filter as never), outShape as never, stride, pad),
      ];
      const [cpu, wasm] = [await on('cpu', forward), await on('wasm', forward)];
      expect(maxRelDiff(wasm[0], cpu[0]), `${inShape} → ${outShape}`).toBeLessThan(1e-5);
    }
  });

  for (const c of CASES) {
    it(`matches the cpu backend's conv2d gradients: x ${c.x.join('×')}, filter ${c.filter.join('×')}, stride ${c.stride}, ${c.pad}`, async () => {
      const xs = values(size(c.x), 1);
      const ws = values(size(c.filter), 2);
      const grads = () => {
        const x = tf.tensor4d(xs, c.x);
        const w = tf.tensor4d(ws, c.filter);
        // A non-uniform upstream gradient: weight the output by its own values.
        const f = (a: tf.Tensor, b: tf.Tensor) => {
          const y = tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad);
          return tf.sum(tf.mul(tf.square(y), tf.sin(tf.range(0, y.size).reshape(y.shape))));
        };
        return tf.grads(f)([x, w]);
      };
      const [cpu, wasm] = [await on('cpu', grads), await on('wasm', grads)];
      expect(maxRelDiff(wasm[1], cpu[1])).toBeLessThan(1e-5); // filter gradient (the new kernel)
      expect(maxRelDiff(wasm[0], cpu[0])).toBeLessThan(1e-5); // input gradient (wasm's own)
    });
  }

  it('gives conv2dTranspose its filter gradient (the same kernel, x and dy swapped)', async () => {
    // dcgan-28's generator layers: [b, 7, 7, 8] → [b, 14, 14, 4] → [b, 28, 28, 1], k4 s2 'same'.
    for (const [inShape, filter, outShape] of [
      [[2, 7, 7, 8], [4, 4, 4, 8], [2, 14, 14, 4]],
      [[2, 14, 14, 4], [4, 4, 1, 4], [2, 28, 28, 1]],
      [[2, 5, 5, 3], [3, 3, 2, 3], [2, 11, 11, 2]],
    ] as [number[], number[], number[]][]) {
      const xs = values(size(inShape), 3);
      const ws = values(size(filter), 4);
      const pad: Pad = outShape[1] === inShape[1] * 2 ? 'same' : 'valid';
      const grads = () => {
        const f = (a: tf.Tensor, b: tf.Tensor) => {
          const y = tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, outShape as [number, number, number, number], 2, pad);
          return tf.sum(tf.mul(tf.square(y), tf.cos(tf.range(0, y.size).reshape(y.shape))));
        };
        return tf.grads(f)([tf.tensor4d(xs, inShape as never), tf.tensor4d(ws, filter as never)]);
      };
      const [cpu, wasm] = [await on('cpu', grads), await on('wasm', grads)];
      expect(maxRelDiff(wasm[1], cpu[1])).toBeLessThan(1e-5);
      expect(maxRelDiff(wasm[0], cpu[0])).toBeLessThan(1e-5);
    }
  });

  it('handles explicit padding and NCHW when called directly', async () => {
    const x = values(2 * 3 * 9 * 8, 5);
    const dyNhwc = values(2 * 5 * 4 * 4, 6);
    const direct = () => {
      const xt = tf.tensor4d(x, [2, 9, 8, 3]);
      const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [1, 2], [0, 1], [0, 0]];
      const dy = tf.tensor4d(dyNhwc, [2, 5, 4, 4]);
      const backprop = (a: tf.Tensor, b: tf.Tensor, p: unknown, dataFormat: string) =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x: a, dy: b }, { filterShape: [3, 3, 3, 4], strides: 2, pad: p, dataFormat } as never) as tf.Tensor;
      const nhwc = backprop(xt, dy, pad, 'NHWC');
      const nchw = backprop(xt.transpose([0, 3, 1, 2]), dy.transpose([0, 3, 1, 2]), 'same', 'NCHW');
      return [nhwc, nchw];
    };
    const [cpu, wasm] = [await on('cpu', direct), await on('wasm', direct)];
    expect(maxRelDiff(wasm[0], cpu[0])).toBeLessThan(1e-5);
    expect(maxRelDiff(wasm[1], cpu[1])).toBeLessThan(1e-5);
  });

  it('handles explicit and uneven padding on the single-channel route', async () => {
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [2, 0], [0, 3], [0, 0]];
    const direct = () => {
      const x = tf.tensor4d(values(2 * 9 * 8, 7), [2, 9, 8, 1]);
      const w = tf.tensor4d(values(3 * 3 * 5, 8), [3, 3, 1, 5]);
      const dy = tf.tensor4d(values(2 * 5 * 5 * 5, 9), [2, 5, 5, 5]); // ⌈(9 + 2 − 3 + 1) / 2⌉ × ⌈(8 + 3 − 3 + 1) / 2⌉
      const attrs = { strides: 2, pad, dataFormat: 'NHWC' };
      return [
        tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: [3, 3, 1, 5] } as never) as tf.Tensor,
        tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: [2, 9, 8, 1] } as never) as tf.Tensor,
      ];
    };
    const [cpu, wasm] = [await on('cpu', direct), await on('wasm', direct)];
    expect(maxRelDiff(wasm[0], cpu[0])).toBeLessThan(1e-5);
    expect(maxRelDiff(wasm[1], cpu[1])).toBeLessThan(1e-5);
  });

  it('free their temporaries (no wasm buffers left behind)', async () => {
    const buffers = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    const step = () =>
      tf.tidy(() => {
        const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
        const w = tf.randomNormal([4, 4, 3, 5], 0, 1, 'float32', 2) as tf.Tensor4D;
        const up = tf.randomNormal([3, 3, 2, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
        const gray = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
        const w1 = tf.randomNormal([4, 4, 1, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
        const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor, e: tf.Tensor) => {
          const h = tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same');
          const y = tf.conv2dTranspose(h.slice([0, 0, 0, 0], [2, 4, 4, 3]), c as tf.Tensor4D, [2, 9, 9, 2], 2, 'valid'); // zero-upsampling path
          const single = tf.conv2d(d as tf.Tensor4D, e as tf.Tensor4D, 2, 'same'); // one channel: both gradients by one product
          return tf.addN([tf.sum(tf.square(y)), tf.sum(tf.conv2dTranspose(h.slice([0, 0, 0, 0], [2, 4, 4, 3]), c as tf.Tensor4D, [2, 8, 8, 2], 2, 'same')), tf.sum(tf.square(single))]);
        };
        return tf.grads(f)([x, w, up, gray, w1]);
      });
    tf.dispose(step());
    const anchor = tf.ones([2]); // the count sees live buffers
    const before = buffers();
    expect(before).toBeGreaterThan(0);
    for (let i = 0; i < 3; i += 1) tf.dispose(step());
    expect(buffers()).toBe(before);
    anchor.dispose();
  });

  it('trains a tiny conv net on wasm without leaking tensors', async () => {
    const x = tf.tensor4d(values(8 * 8 * 8, 7), [8, 8, 8, 1]);
    const target = tf.tensor2d(values(8 * 2, 8), [8, 2]);
    const w1 = tf.variable(tf.tensor4d(values(3 * 3 * 4, 9), [3, 3, 1, 4]));
    const w2 = tf.variable(tf.tensor2d(values(4 * 4 * 4 * 2, 10), [64, 2]));
    const optimizer = tf.train.adam(1e-2);
    const loss = () => {
      const h = tf.relu(tf.conv2d(x, w1 as tf.Tensor4D, 2, 'same'));
      const y = tf.matMul(tf.conv2d(h, tf.ones([1, 1, 4, 4]), 1, 'valid').reshape([8, 64]), w2);
      return tf.losses.meanSquaredError(target, y) as tf.Scalar;
    };
    const losses: number[] = [];
    const before = tf.memory().numTensors;
    for (let i = 0; i < 40; i += 1) {
      const l = optimizer.minimize(loss, true, [w1, w2]);
      losses.push((await l!.data())[0]);
      l!.dispose();
      if (i === 1) expect(tf.memory().numTensors).toBeGreaterThan(0);
    }
    expect(losses[39]).toBeLessThan(losses[0] * 0.5);
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before + 8); // optimiser slots only
    optimizer.dispose();
    tf.dispose([x, target, w1, w2]);
  });
});
