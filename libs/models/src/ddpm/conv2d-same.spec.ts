import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { conv2dSame } from './conv2d-same';

const maxAbsDiff = async (a: tf.Tensor, b: tf.Tensor) => (await tf.max(tf.abs(tf.sub(a, b))).data())[0];

describe('conv2dSame', () => {
  beforeAll(() => initCompute({ logger: false }));

  it('matches tf.conv2d in value and in both gradients (3×3 and 5×5, several channel counts)', async () => {
    for (const [k, cin, cout] of [[3, 2, 5], [5, 4, 1], [1, 3, 2]]) {
      const x = tf.randomNormal([2, 7, 6, cin], 0, 1, 'float32', 1) as tf.Tensor4D;
      const w = tf.randomNormal([k, k, cin, cout], 0, 1, 'float32', 2) as tf.Tensor4D;
      const weights = tf.randomNormal([2, 7, 6, cout], 0, 1, 'float32', 3);
      const loss = (f: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor4D) => (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.square(f(a as tf.Tensor4D, b as tf.Tensor4D)), weights));
      const reference = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2d(a, b, 1, 'same');
      expect(await maxAbsDiff(conv2dSame(x, w), reference(x, w))).toBeLessThan(1e-4);
      const [dx, dw] = tf.grads(loss(conv2dSame))([x, w]);
      const [rx, rw] = tf.grads(loss(reference))([x, w]);
      expect(await maxAbsDiff(dx, rx), `dx k=${k}`).toBeLessThan(1e-3);
      expect(await maxAbsDiff(dw, rw), `dw k=${k}`).toBeLessThan(1e-3);
      tf.dispose([x, w, weights, dx, dw, rx, rw]);
    }
  });
});
