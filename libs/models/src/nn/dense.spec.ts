import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { applyDense, applyMlp, createMlp } from './dense';
import { ParameterSet } from './parameter-set';

async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  const [value] = await d.data();
  d.dispose();
  return value as number;
}

/** The same MLP from plain ops, differentiated by tfjs itself. */
function referenceMlp(variables: tf.Variable[], x: tf.Tensor2D): tf.Tensor2D {
  let h = x;
  for (let i = 0; i < variables.length; i += 2) {
    const out = tf.add(tf.matMul(h, variables[i] as tf.Tensor2D), variables[i + 1] as tf.Tensor) as tf.Tensor2D;
    h = i + 2 < variables.length ? tf.relu(out) : out;
  }
  return h;
}

describe('fused dense layers', () => {
  beforeAll(() => initCompute({ backend: 'wasm', logger: false }));

  for (const constantInput of [false, true]) {
    it(`match plain matmul + bias + ReLU in value and in every gradient (constantInput: ${constantInput})`, async () => {
      const params = new ParameterSet();
      const layers = createMlp(params, 'mlp', [6, 9, 7, 3], 4);
      const variables = params.variables;
      // Inputs around zero, so that some pre-activations are negative and the ReLU masks them.
      const x = tf.randomNormal([5, 6], 0, 1, 'float32', 1) as tf.Tensor2D;
      const weights = tf.randomNormal([5, 3], 0, 1, 'float32', 2);
      const loss = (f: (x: tf.Tensor2D) => tf.Tensor2D) => () => tf.sum(tf.mul(tf.square(f(x)), weights)) as tf.Scalar;

      const before = tf.memory().numTensors;
      const ours = tf.variableGrads(loss((input) => applyMlp(layers, input, { constantInput })), variables);
      const [dxOurs] = tf.grads((input: tf.Tensor) => loss(() => applyMlp(layers, input as tf.Tensor2D))())([x]);
      const ref = tf.variableGrads(loss((input) => referenceMlp(variables, input)), variables);
      const [dxRef] = tf.grads((input: tf.Tensor) => loss(() => referenceMlp(variables, input as tf.Tensor2D))())([x]);
      expect(Math.abs((await ours.value.data())[0]! - (await ref.value.data())[0]!)).toBeLessThan(1e-4);
      for (const v of variables) expect(await maxAbsDiff(ours.grads[v.name]!, ref.grads[v.name]!)).toBeLessThan(1e-4);
      expect(await maxAbsDiff(dxOurs!, dxRef!)).toBeLessThan(1e-4);

      // Nothing but the results outlives the gradient computations.
      const results = [ours.value, ref.value, ...Object.values(ours.grads), ...Object.values(ref.grads), dxOurs!, dxRef!];
      expect(tf.memory().numTensors).toBe(before + results.length);
      tf.dispose(results);
      tf.dispose([x, weights]);
      params.dispose();
    });
  }

  it('run as one fused matmul kernel per layer outside training (bias and ReLU inside it)', async () => {
    const params = new ParameterSet();
    const layers = createMlp(params, 'mlp', [6, 9, 7, 3], 4);
    const x = tf.randomNormal([5, 6], 0, 1, 'float32', 1) as tf.Tensor2D;
    const profile = await tf.profile(() => tf.dispose(applyMlp(layers, x)));
    const names = profile.kernels.map((k) => k.name);
    expect(names.filter((k) => k === '_FusedMatMul')).toHaveLength(3);
    expect(names.filter((k) => k === 'Relu' || k === 'Add' || k === 'AddV2' || k === 'BatchMatMul')).toEqual([]);
    const single = await tf.profile(() => tf.dispose(applyDense(layers[0]!, x)));
    expect(single.kernels.map((k) => k.name)).toContain('_FusedMatMul');
    tf.dispose(x);
    params.dispose();
  });
});
