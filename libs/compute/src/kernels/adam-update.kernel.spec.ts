import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '../index';
import { ADAM_UPDATE_KERNEL, type AdamUpdateAttrs } from './adam-update.kernel';

/** The same update in float64, element by element. */
function reference(p: number[], m: number[], v: number[], g: number[], a: AdamUpdateAttrs): number[][] {
  const m1 = m.map((mi, i) => a.beta1 * mi + (1 - a.beta1) * g[i]);
  const v1 = v.map((vi, i) => a.beta2 * vi + (1 - a.beta2) * g[i] ** 2);
  return [p.map((pi, i) => pi - (a.stepSize * m1[i]) / (Math.sqrt(v1[i]) + a.epsilon)), m1, v1];
}

describe('GenlabAdamUpdate on wasm', () => {
  beforeAll(() => initCompute({ backend: 'wasm', logger: false }));

  it('returns the updated parameter and moments, leaving its inputs and the tensor count as they were', async () => {
    const values = (seed: number, positive = false) => Array.from({ length: 6 }, (_, i) => (positive ? 0.01 : 0) + Math.abs(Math.sin(seed + i * 1.7)) * (positive ? 1 : Math.sign(Math.cos(seed * i))));
    const [p, m, v, g] = [values(1), values(2), values(3, true), values(4)];
    const attrs: AdamUpdateAttrs = { beta1: 0.5, beta2: 0.99, stepSize: 0.01, epsilon: 1e-6 };
    const inputs = { param: tf.tensor2d(p, [2, 3]), m: tf.tensor2d(m, [2, 3]), v: tf.tensor2d(v, [2, 3]), grad: tf.tensor2d(g, [2, 3]) };
    const before = tf.memory().numTensors;
    const outputs = tf.engine().runKernel(ADAM_UPDATE_KERNEL, inputs, { ...attrs }) as tf.Tensor[];
    expect(outputs.map((t) => t.shape)).toEqual([[2, 3], [2, 3], [2, 3]]);
    const expected = reference(p, m, v, g, attrs);
    for (const [k, t] of outputs.entries()) {
      Array.from(await t.data()).forEach((x, i) => expect(x).toBeCloseTo(expected[k][i], 6));
    }
    expect(Array.from(await inputs.param.data())).toEqual(Array.from(Float32Array.from(p)));
    tf.dispose(outputs);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(Object.values(inputs));
  });

  it('refuses inputs of different sizes', () => {
    const [a, b] = [tf.zeros([3]), tf.zeros([4])];
    expect(() => tf.engine().runKernel(ADAM_UPDATE_KERNEL, { param: a, m: a, v: a, grad: b }, { beta1: 0.9, beta2: 0.999, stepSize: 1e-3, epsilon: 1e-8 })).toThrow(/one size/);
    tf.dispose([a, b]);
  });
});
