import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '../index';
import { ADAM_UPDATE_KERNEL, type AdamUpdateAttrs } from './adam-update.kernel';
import { genlabWasmKernels, setGenlabWasmKernelsEnabled } from './genlab-wasm';

/** The same update in float64, element by element. */
function reference(p: number[], m: number[], v: number[], g: number[], a: AdamUpdateAttrs): number[][] {
  const m1 = m.map((mi, i) => a.beta1 * mi + (1 - a.beta1) * g[i]);
  const v1 = v.map((vi, i) => a.beta2 * vi + (1 - a.beta2) * g[i] ** 2);
  return [p.map((pi, i) => pi - (a.stepSize * m1[i]) / (Math.sqrt(v1[i]) + a.epsilon)), m1, v1];
}

describe('GenlabAdamUpdate on wasm', () => {
  beforeAll(() => initCompute({ backend: 'wasm', logger: false }));

  // An odd count: the two-lane SIMD loop and the last value alone both run.
  const values = (seed: number, n: number, positive = false) => Array.from({ length: n }, (_, i) => (positive ? 0.01 : 0) + Math.abs(Math.sin(seed + i * 1.7)) * (positive ? 1 : Math.sign(Math.cos(seed * i) || 1)));

  for (const [name, simd] of [['genlab\'s SIMD wasm kernel', true], ['the JS fallback', false]] as const) {
    it(`returns the updated parameter and moments, leaving its inputs and the tensor count as they were (${name})`, async () => {
      setGenlabWasmKernelsEnabled(simd);
      try {
        expect(genlabWasmKernels(tf.backend()) !== null).toBe(simd);
        const [p, m, v, g] = [values(1, 11), values(2, 11), values(3, 11, true), values(4, 11)];
        const attrs: AdamUpdateAttrs = { beta1: 0.5, beta2: 0.99, stepSize: 0.01, epsilon: 1e-6 };
        const inputs = { param: tf.tensor1d(p), m: tf.tensor1d(m), v: tf.tensor1d(v), grad: tf.tensor1d(g) };
        const before = tf.memory().numTensors;
        const outputs = tf.engine().runKernel(ADAM_UPDATE_KERNEL, inputs, { ...attrs }) as tf.Tensor[];
        expect(outputs.map((t) => t.shape)).toEqual([[11], [11], [11]]);
        const expected = reference(p, m, v, g, attrs);
        for (const [k, t] of outputs.entries()) {
          Array.from(await t.data()).forEach((x, i) => expect(x).toBeCloseTo(expected[k][i], 6));
        }
        expect(Array.from(await inputs.param.data())).toEqual(Array.from(Float32Array.from(p)));
        expect(Array.from(await inputs.m.data())).toEqual(Array.from(Float32Array.from(m)));
        tf.dispose(outputs);
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose(Object.values(inputs));
      } finally {
        setGenlabWasmKernelsEnabled(true);
      }
    });
  }

  it('gives the same bits from the SIMD kernel as from the JS fallback, on a layer-sized parameter with an odd size', async () => {
    const n = 784 * 40 + 3;
    const inputs = { param: tf.randomNormal([n], 0, 1, 'float32', 1), m: tf.randomNormal([n], 0, 0.1, 'float32', 2), v: tf.randomUniform([n], 0, 0.01, 'float32', 3), grad: tf.randomNormal([n], 0, 1, 'float32', 4) };
    const attrs = { beta1: 0.9, beta2: 0.999, stepSize: 1e-3, epsilon: 1e-8 };
    const run = async (simd: boolean) => {
      setGenlabWasmKernelsEnabled(simd);
      const outputs = tf.engine().runKernel(ADAM_UPDATE_KERNEL, inputs, attrs) as tf.Tensor[];
      setGenlabWasmKernelsEnabled(true);
      const values = await Promise.all(outputs.map((t) => t.data()));
      tf.dispose(outputs);
      return values;
    };
    const [simd, js] = [await run(true), await run(false)];
    for (let k = 0; k < 3; k++) expect(Buffer.from((simd[k] as Float32Array).buffer).equals(Buffer.from((js[k] as Float32Array).buffer))).toBe(true);
    tf.dispose(Object.values(inputs));
  });

  it('refuses inputs of different sizes', () => {
    const [a, b] = [tf.zeros([3]), tf.zeros([4])];
    expect(() => tf.engine().runKernel(ADAM_UPDATE_KERNEL, { param: a, m: a, v: a, grad: b }, { beta1: 0.9, beta2: 0.999, stepSize: 1e-3, epsilon: 1e-8 })).toThrow(/one size/);
    tf.dispose([a, b]);
  });
});
