import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '../index';
import { genlabWasmKernels, setGenlabWasmKernelsEnabled } from './genlab-wasm';
import { leadingSplit } from './reduce-leading.kernel';

/** Deterministic values of mixed sign and magnitude, so that float32 summation order shows in the bits. */
const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 97.13 + i * 12.9898) * 10 ** ((i % 7) - 3));
const buffers = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();

/**
 * tfjs' own wasm reduction of the same values: the leading axes moved last by a transpose (as
 * tfjs' Sum and Mean do themselves before reducing), so the reduction is over trailing axes and
 * goes to tfjs' kernel, not genlab's.
 */
function viaTfjs(op: 'sum' | 'mean', x: tf.Tensor, k: number): tf.Tensor {
  const perm = [...Array.from({ length: x.rank - k }, (_, i) => k + i), ...Array.from({ length: k }, (_, i) => i)];
  const trailing = Array.from({ length: k }, (_, i) => x.rank - k + i);
  return tf[op](tf.transpose(x, perm), trailing);
}

describe('Sum and Mean over leading axes on wasm', () => {
  beforeAll(async () => {
    await initCompute({ backend: 'wasm', logger: false });
  });

  it('splits a shape into rows and columns only for the leading axes', () => {
    expect(leadingSplit([64, 7, 7, 128], [0, 1, 2])).toEqual({ rows: 3136, cols: 128, reduced: 3 });
    expect(leadingSplit([64, 7, 7, 128], [2, 0, 1])).toEqual({ rows: 3136, cols: 128, reduced: 3 });
    expect(leadingSplit([5, 3], 0)).toEqual({ rows: 5, cols: 3, reduced: 1 });
    expect(leadingSplit([5, 3], [-2])).toEqual({ rows: 5, cols: 3, reduced: 1 });
    expect(leadingSplit([5, 3], [0, 1])).toEqual({ rows: 15, cols: 1, reduced: 2 });
    expect(leadingSplit([4, 5, 6], [1])).toBeUndefined();
    expect(leadingSplit([4, 5, 6], [0, 2])).toBeUndefined();
  });

  it('runs genlab\'s kernel here (the wasm module links to the backend\'s memory)', () => {
    expect(genlabWasmKernels(tf.backend())).not.toBeNull();
  });

  for (const [shape, k] of [
    [[64, 7, 7, 128], 3], // dcgan-28's batch-norm statistics
    [[64, 6272], 1], // a dense bias gradient
    [[3, 5, 7], 2], // columns not a multiple of four: the scalar tail
    [[2, 3, 1], 2], // one column: left to tfjs' kernel, which sums it as one run
    [[9, 4], 2], // every axis: one value, also tfjs'
  ] as [number[], number][]) {
    it(`gives tfjs' own bits: [${shape.join(', ')}] over its first ${k} axes, sum and mean`, async () => {
      const x = tf.tensor(values(shape.reduce((a, d) => a * d, 1), shape.length), shape);
      const axes = Array.from({ length: k }, (_, i) => i);
      for (const op of ['sum', 'mean'] as const) {
        const ours = tf[op](x, axes);
        setGenlabWasmKernelsEnabled(false); // the same call, on tfjs' own kernel
        const own = tf[op](x, axes);
        setGenlabWasmKernelsEnabled(true);
        expect(Array.from(await own.data())).toEqual(Array.from(await ours.data()));
        own.dispose();
        const theirs = viaTfjs(op, x, k);
        expect(ours.shape).toEqual(theirs.shape);
        expect(Array.from(await ours.data())).toEqual(Array.from(await theirs.data()));
        tf.dispose([ours, theirs]);
      }
      x.dispose();
    });
  }

  it('keeps the reduced axes as ones with keepDims, and takes axes in any order or negative', async () => {
    const x = tf.tensor(values(2 * 3 * 4, 5), [2, 3, 4]);
    const kept = tf.sum(x, [1, 0], true);
    expect(kept.shape).toEqual([1, 1, 4]);
    const negative = tf.mean(x, [-3, -2]);
    expect(negative.shape).toEqual([4]);
    const reference = viaTfjs('sum', x, 2);
    expect(Array.from(await kept.data())).toEqual(Array.from(await reference.data()));
    tf.dispose([x, kept, negative, reference]);
  });

  it('leaves other axes and int32 to tfjs\' kernel, with the cpu backend\'s values', async () => {
    const x = tf.tensor(values(4 * 5 * 6, 3), [4, 5, 6]);
    const middle = tf.sum(x, 1);
    const ints = tf.sum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), 0);
    const [middleWasm, intsWasm] = [await middle.data(), await ints.data()];
    await tf.setBackend('cpu');
    const cpuMiddle = tf.sum(tf.tensor(values(4 * 5 * 6, 3), [4, 5, 6]), 1);
    const cpuValues = await cpuMiddle.data();
    cpuMiddle.dispose();
    await tf.setBackend('wasm');
    const worst = Math.max(...Array.from(middleWasm, (v, i) => Math.abs(v - cpuValues[i]) / Math.max(1, Math.abs(cpuValues[i]))));
    expect(worst).toBeLessThan(1e-5);
    expect(ints.dtype).toBe('int32');
    expect(Array.from(intsWasm)).toEqual([9, 12]);
    tf.dispose([x, middle, ints]);
  });

  it('gives the gradient of a batch norm\'s statistics without leaving buffers behind', async () => {
    const x = tf.tensor(values(8 * 3 * 3 * 4, 9), [8, 3, 3, 4]);
    const step = () => tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.sub(t, tf.mean(t, [0, 1, 2])))))(x));
    tf.dispose(step());
    const before = buffers();
    for (let i = 0; i < 3; i += 1) tf.dispose(step());
    expect(buffers()).toBe(before);
    x.dispose();
  });
});

describe('Identity on wasm', () => {
  beforeAll(async () => {
    await initCompute({ backend: 'wasm', logger: false });
  });

  it('shares its input\'s buffer (no copy) and frees it with the last reference', async () => {
    const backend = tf.backend() as unknown as { numDataIds(): number; refCount(id: tf.DataId): number };
    const anchor = tf.ones([1]); // the count sees live buffers
    const before = backend.numDataIds();
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    expect(backend.numDataIds()).toBe(before + 1);
    expect(backend.refCount(x.dataId)).toBe(2);
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1, 2, 3]);
    y.dispose();
    expect(backend.numDataIds()).toBe(before);
    anchor.dispose();
  });

  it('keeps a variable\'s earlier value intact when the variable is assigned', async () => {
    const v = tf.variable(tf.tensor1d([1, 2]));
    const snapshot = tf.clone(v);
    v.assign(tf.tensor1d([5, 6]));
    expect(Array.from(await snapshot.data())).toEqual([1, 2]);
    expect(Array.from(await v.data())).toEqual([5, 6]);
    tf.dispose([v, snapshot]);
  });
});
