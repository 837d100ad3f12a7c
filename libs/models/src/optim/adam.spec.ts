import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { ParameterSet } from '../nn/parameter-set';
import { Adam } from './adam';

/** PyTorch's Adam in float64 for one scalar parameter. */
function referenceAdam(p0: number, grads: number[], lr: number): number[] {
  let [p, m, v] = [p0, 0, 0];
  return grads.map((g, i) => {
    const t = i + 1;
    m = 0.9 * m + 0.1 * g;
    v = 0.999 * v + 0.001 * g * g;
    p -= (lr / (1 - 0.9 ** t)) * (m / (Math.sqrt(v) / Math.sqrt(1 - 0.999 ** t) + 1e-8));
    return p;
  });
}

describe('Adam', () => {
  beforeAll(() => initCompute({ logger: false }));

  // wasm runs genlab's fused update kernel, cpu the same rule as tensor ops.
  it.each(['wasm', 'cpu'])('follows PyTorch’s update rule step by step (%s)', async (backend) => {
    await tf.setBackend(backend);
    const params = new ParameterSet();
    const p = params.add('p', [2], () => tf.tensor([1, -2]));
    const adam = new Adam(params, { learningRate: 0.1 });
    const grads = [0.5, -0.3, 2, 0.01, -1];
    const expected = [referenceAdam(1, grads, 0.1), referenceAdam(-2, grads.map((g) => 3 * g), 0.1)];
    for (const [i, g] of grads.entries()) {
      tf.tidy(() => adam.apply([tf.tensor([g, 3 * g])]));
      const [a, b] = await p.data();
      expect(a).toBeCloseTo(expected[0][i], 5);
      expect(b).toBeCloseTo(expected[1][i], 5);
    }
    expect(adam.stepCount).toBe(5);
    adam.dispose();
    params.dispose();
    await tf.setBackend('wasm');
  });

  it('restores its moments and step from records', async () => {
    const make = () => {
      const params = new ParameterSet();
      params.add('w', [3], () => tf.tensor([0.1, 0.2, 0.3]));
      return { params, adam: new Adam(params, { learningRate: 0.01 }) };
    };
    const a = make();
    for (let i = 0; i < 3; i += 1) tf.tidy(() => a.adam.apply([tf.tensor([1, -1, 0.5])]));
    const records = new Map([...(await a.params.toRecords()), ...(await a.adam.toRecords())].map((r) => [r.name, r]));
    expect([...records.keys()]).toEqual(['w', 'optimizer.m.w', 'optimizer.v.w']);

    const b = make();
    b.adam.restore(a.adam.exportState(), records);
    b.params.variables[0].assign(tf.tensor(records.get('w')!.data, [3]));
    for (const s of [a, b]) tf.tidy(() => s.adam.apply([tf.tensor([0.3, 0.3, 0.3])]));
    expect(Array.from(await b.params.variables[0].data())).toEqual(Array.from(await a.params.variables[0].data()));
    expect(b.adam.stepCount).toBe(4);
    for (const s of [a, b]) {
      s.adam.dispose();
      s.params.dispose();
    }
  });
});
