import { describe, expect, it } from 'vitest';
import { createRng } from '@genlab/data';
import { fitLogisticRegression, logisticProbabilities } from './logistic-regression';

/** 3 classes in 2-D with overlapping Gaussian clouds, so the optimum is finite. */
function overlapping(count: number, seed: number) {
  const rng = createRng(seed);
  const centres = [
    [0, 0],
    [1, 0.5],
    [-0.5, 1],
  ];
  const values = new Float64Array(count * 2);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i += 1) {
    const c = i % 3;
    labels[i] = c;
    values[2 * i] = centres[c]![0]! + rng.nextNormal();
    values[2 * i + 1] = centres[c]![1]! + rng.nextNormal();
  }
  return { features: { values, count, dim: 2 }, labels };
}

describe('fitLogisticRegression', () => {
  it('reaches the regularised optimum: the stationarity condition holds, computed independently', async () => {
    const { features, labels } = overlapping(600, 1);
    const l2 = 1e-2;
    const model = await fitLogisticRegression(features, labels, 3, { l2 });
    expect(model.converged).toBe(true);

    // ∂/∂W = (1/n) Σ (p_i − e_{y_i}) x_iᵀ + λ W = 0 and ∂/∂b = (1/n) Σ (p_i − e_{y_i}) = 0.
    const p = logisticProbabilities(model, features).values;
    const gradW = new Float64Array(6);
    const gradB = new Float64Array(3);
    for (let i = 0; i < 600; i += 1) {
      for (let c = 0; c < 3; c += 1) {
        const r = p[i * 3 + c]! - (labels[i] === c ? 1 : 0);
        gradB[c]! += r / 600;
        for (let j = 0; j < 2; j += 1) gradW[c * 2 + j]! += (r * features.values[i * 2 + j]!) / 600;
      }
    }
    for (let k = 0; k < 6; k += 1) expect(Math.abs(gradW[k]! + l2 * model.weights[k]!)).toBeLessThan(1e-5);
    for (let c = 0; c < 3; c += 1) expect(Math.abs(gradB[c]!)).toBeLessThan(1e-5);
    // A non-trivial solution: the classes are told apart better than chance.
    expect(Math.max(...Array.from(model.weights, Math.abs))).toBeGreaterThan(0.3);
  });

  it('regularises: a larger λ gives smaller weights', async () => {
    const { features, labels } = overlapping(300, 2);
    const norm = (w: Float64Array) => Math.sqrt(w.reduce((sum, v) => sum + v * v, 0));
    const weak = await fitLogisticRegression(features, labels, 3, { l2: 1e-4 });
    const strong = await fitLogisticRegression(features, labels, 3, { l2: 1 });
    expect(norm(strong.weights)).toBeLessThan(norm(weak.weights) / 2);
  });
});
