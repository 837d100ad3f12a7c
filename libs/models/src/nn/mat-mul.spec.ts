import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { matMul, matMulConstantInput } from './mat-mul';

const maxAbsDiff = async (a: tf.Tensor, b: tf.Tensor) => (await tf.max(tf.abs(tf.sub(a, b))).data())[0];

describe('transpose-free matMul', () => {
  beforeAll(() => initCompute({ logger: false }));

  // [5, 7]·[7, 3] takes the input gradient as dy·transpose(w); [4, 30]·[30, 50] (a wide layer,
  // a small batch) as transpose(w·transpose(dy)).
  it.each([
    [5, 7, 3],
    [4, 30, 50],
  ])('matches tf.matMul in value and in both gradients ([%i, %i]·[%i, ·])', async (m, k, n) => {
    const a = tf.randomNormal([m, k], 0, 1, 'float32', 1) as tf.Tensor2D;
    const b = tf.randomNormal([k, n], 0, 1, 'float32', 2) as tf.Tensor2D;
    const weights = tf.randomNormal([m, n], 0, 1, 'float32', 3);
    const loss = (f: (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Tensor2D) => (x: tf.Tensor, y: tf.Tensor) =>
      tf.sum(tf.mul(tf.square(f(x as tf.Tensor2D, y as tf.Tensor2D)), weights));

    expect(await maxAbsDiff(matMul(a, b), tf.matMul(a, b))).toBeLessThan(1e-5);
    const [da, db] = tf.grads(loss(matMul))([a, b]);
    const [ra, rb] = tf.grads(loss((x, y) => tf.matMul(x, y)))([a, b]);
    expect(await maxAbsDiff(da, ra)).toBeLessThan(1e-4);
    expect(await maxAbsDiff(db, rb)).toBeLessThan(1e-4);
    expect(da.shape).toEqual([m, k]);
  });

  it('with a constant input, gives the weight gradient only', async () => {
    const x = tf.randomNormal([4, 6], 0, 1, 'float32', 4) as tf.Tensor2D;
    const w = tf.randomNormal([6, 2], 0, 1, 'float32', 5) as tf.Tensor2D;
    const [dw] = tf.grads((v: tf.Tensor) => tf.sum(tf.square(matMulConstantInput(x, v as tf.Tensor2D))))([w]);
    const [ref] = tf.grads((v: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, v as tf.Tensor2D))))([w]);
    expect(await maxAbsDiff(dw, ref)).toBeLessThan(1e-4);
  });
});
