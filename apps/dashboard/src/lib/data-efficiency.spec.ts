import { describe, expect, it } from 'vitest';
import {
  ALL_LABELS_ESTIMATOR,
  SAME_SUBSET_ESTIMATOR,
  dataEfficiency,
  labelledExamplesOf,
  newestClassifierEvaluation,
  type ClassifierResult,
  type EvaluationSummary,
  type RunWithEvaluations,
} from './data-efficiency';

const accuracy = (estimator: string, value: number, features = ''): ClassifierResult => ({ metric: 'accuracy', unit: 'fraction', estimator, value, features });
const generative = (value: number) => accuracy('generative (iwae-100)', value);
const discriminative = (value: number) => accuracy(SAME_SUBSET_ESTIMATOR, value);
const allLabels = (value: number) => accuracy(ALL_LABELS_ESTIMATOR, value, 'classifier:c1@v1');
const completed = (createdAt: number, ...results: ClassifierResult[]): EvaluationSummary => ({ completed: true, createdAt, results });

let nextRun = 0;
function run(family: string, seed: number, labelledExamples: number | undefined, ...evaluations: EvaluationSummary[]): RunWithEvaluations {
  return { runId: `run-${++nextRun}`, family, seed, labelledExamples, evaluations };
}

describe('labelledExamplesOf', () => {
  it('reads a positive integer labelledExamples from the config and nothing else', () => {
    expect(labelledExamplesOf('{"latentDim":2,"labelledExamples":100}')).toBe(100);
    expect(labelledExamplesOf('{"latentDim":2}')).toBeUndefined();
    expect(labelledExamplesOf('{"labelledExamples":2.5}')).toBeUndefined();
    expect(labelledExamplesOf('{"labelledExamples":0}')).toBeUndefined();
    expect(labelledExamplesOf('{"labelledExamples":"100"}')).toBeUndefined();
    expect(labelledExamplesOf('not json')).toBeUndefined();
    expect(labelledExamplesOf('[100]')).toBeUndefined();
  });
});

describe('newestClassifierEvaluation', () => {
  it('takes the newest completed evaluation that has the generative accuracy, skipping failed ones and ones without it', () => {
    const old = completed(1, generative(0.5));
    const newer = completed(5, generative(0.6));
    const failed: EvaluationSummary = { completed: false, createdAt: 9, results: [generative(0.9)] };
    const otherMetric = completed(8, { metric: 'neg_elbo', unit: 'nats', estimator: 'elbo', value: 90, features: '' });
    const discriminativeOnly = completed(7, discriminative(0.4));
    expect(newestClassifierEvaluation([old, failed, newer, otherMetric, discriminativeOnly])).toBe(newer);
    expect(newestClassifierEvaluation([failed, otherMetric])).toBeUndefined();
  });
});

describe('dataEfficiency', () => {
  it('averages each (family, classifier) over seeds per label count with the sample std, sorted by labels, the all-labels classifier as a reference', () => {
    const runs = [
      // vae, 100 labels, three seeds: generative 0.6 0.7 0.8 (mean 0.7, std 0.1), discriminative 0.5 0.6 0.4 (mean 0.5, std 0.1).
      run('vae', 2, 100, completed(10, generative(0.7), discriminative(0.6), allLabels(0.97))),
      run('vae', 1, 100, completed(1, generative(0.1)), completed(10, generative(0.6), discriminative(0.5), allLabels(0.97))),
      run('vae', 3, 100, completed(10, generative(0.8), discriminative(0.4), allLabels(0.97)), { completed: false, createdAt: 20, results: [] }),
      // vae, 1000 labels: generative 0.90 0.94 (mean 0.92, std sqrt(0.0008)), discriminative 0.85 from one seed (no std).
      run('vae', 1, 1000, completed(10, generative(0.9), discriminative(0.85), allLabels(0.97))),
      run('vae', 2, 1000, completed(10, generative(0.94), allLabels(0.97))),
      // A second family with one point.
      run('cvae', 1, 300, completed(10, generative(0.75), discriminative(0.7))),
      // Trained on every label: no point, but the reference line still counts it.
      run('vae', 1, undefined, completed(10, generative(0.99), allLabels(0.97))),
      // labelledExamples but not evaluated for it: nothing.
      run('vae', 4, 100, completed(10, { metric: 'neg_elbo', unit: 'nats', estimator: 'elbo', value: 80, features: '' })),
    ];
    const chart = dataEfficiency(runs)!;

    expect(chart.series.map((s) => s.key)).toEqual(['cvae · generative', 'vae · generative', 'cvae · discriminative', 'vae · discriminative']);
    const byKey = new Map(chart.series.map((s) => [s.key, s]));

    const vaeGenerative = byKey.get('vae · generative')!;
    expect(vaeGenerative.estimators).toEqual(['generative (iwae-100)']);
    expect(vaeGenerative.points.map((p) => p.labelledExamples)).toEqual([100, 1000]);
    expect(vaeGenerative.points[0]!.mean).toBeCloseTo(0.7, 12);
    expect(vaeGenerative.points[0]!.std).toBeCloseTo(0.1, 12);
    expect(vaeGenerative.points[0]!.runs.map((r) => [r.seed, r.value])).toEqual([
      [1, 0.6], // the newest evaluation, not the older 0.1
      [2, 0.7],
      [3, 0.8],
    ]);
    expect(vaeGenerative.points[1]!.mean).toBeCloseTo(0.92, 12);
    expect(vaeGenerative.points[1]!.std).toBeCloseTo(Math.sqrt(0.0008), 12);
    expect(vaeGenerative.points[1]!.runs).toHaveLength(2);

    const vaeDiscriminative = byKey.get('vae · discriminative')!;
    expect(vaeDiscriminative.kind).toBe('discriminative');
    expect(vaeDiscriminative.points.map((p) => [p.labelledExamples, p.runs.length])).toEqual([
      [100, 3],
      [1000, 1],
    ]);
    expect(vaeDiscriminative.points[0]!.mean).toBeCloseTo(0.5, 12);
    expect(vaeDiscriminative.points[0]!.std).toBeCloseTo(0.1, 12);
    expect(vaeDiscriminative.points[1]!.mean).toBe(0.85);
    expect(vaeDiscriminative.points[1]!.std).toBeUndefined();

    expect(byKey.get('cvae · generative')!.points).toEqual([{ labelledExamples: 300, mean: 0.75, std: undefined, runs: [{ runId: expect.any(String), seed: 1, value: 0.75 }] }]);
    expect(chart.references).toEqual([{ features: 'classifier:c1@v1', value: expect.closeTo(0.97, 12), evaluations: 6 }]);
  });

  it('is undefined when no run with labelledExamples has the results', () => {
    expect(dataEfficiency([])).toBeUndefined();
    expect(dataEfficiency([run('vae', 1, undefined, completed(1, generative(0.9), allLabels(0.97)))])).toBeUndefined();
    expect(dataEfficiency([run('vae', 1, 100, { completed: false, createdAt: 1, results: [generative(0.9)] })])).toBeUndefined();
  });

  it('ignores other metrics under the same estimators (label_nll, ece)', () => {
    const nll: ClassifierResult = { metric: 'label_nll', unit: 'nats', estimator: 'generative (exact)', value: 0.4, features: '' };
    const chart = dataEfficiency([run('cvae', 1, 50, completed(1, nll, accuracy('generative (exact)', 0.8)))])!;
    expect(chart.series).toHaveLength(1);
    expect(chart.series[0]!.points[0]!.mean).toBe(0.8);
  });
});
