/**
 * Accuracy against the number of labels a run trained on: the experiment page's
 * generative-vs-discriminative chart. Runs carry `labelledExamples` in their config (a
 * class-balanced labelled subset of that size, picked by the run's seed); the evaluation
 * service's `generative_classifier` metric reports accuracy for the generative classifier
 * ("generative (<estimator>)") and for a discriminative classifier trained on the same subset
 * ("discriminative (same labelled subset)"), and for the dataset's classifier trained on every
 * label ("discriminative (dataset classifier)"), drawn as a reference line.
 */

export const SAME_SUBSET_ESTIMATOR = 'discriminative (same labelled subset)';
export const ALL_LABELS_ESTIMATOR = 'discriminative (dataset classifier)';
const GENERATIVE_PREFIX = 'generative (';

export interface ClassifierResult {
  metric: string;
  value: number;
  unit: string;
  estimator: string;
  features: string;
}

export interface EvaluationSummary {
  completed: boolean;
  /** Creation time, ms since the epoch: the newest evaluation wins. */
  createdAt: number;
  results: readonly ClassifierResult[];
}

export interface RunWithEvaluations {
  runId: string;
  family: string;
  seed: number;
  /** Undefined for a run trained on every label. */
  labelledExamples: number | undefined;
  evaluations: readonly EvaluationSummary[];
}

export type ClassifierKind = 'generative' | 'discriminative';

export interface DataEfficiencyPoint {
  labelledExamples: number;
  /** Mean accuracy over the runs (seeds) with this many labels. */
  mean: number;
  /** Sample standard deviation over those runs; undefined for a single run. */
  std: number | undefined;
  /** The runs averaged, in seed order. */
  runs: { runId: string; seed: number; value: number }[];
}

export interface DataEfficiencySeries {
  key: string;
  family: string;
  kind: ClassifierKind;
  /** The estimators behind the values (e.g. "generative (iwae-100)"). */
  estimators: string[];
  /** Ascending by labelledExamples. */
  points: DataEfficiencyPoint[];
}

export interface ReferenceLine {
  /** The classifier's features label, e.g. "classifier:<id>@v1". */
  features: string;
  /** Mean over the evaluations that report it (they usually agree exactly). */
  value: number;
  evaluations: number;
}

export interface DataEfficiency {
  /** Generative series first, then discriminative, each by family. */
  series: DataEfficiencySeries[];
  references: ReferenceLine[];
}

/** `labelledExamples` from a run's config JSON: a positive integer, else undefined. */
export function labelledExamplesOf(configJson: string): number | undefined {
  try {
    const config: unknown = JSON.parse(configJson);
    if (typeof config !== 'object' || config === null) return undefined;
    const value = (config as Record<string, unknown>)['labelledExamples'];
    return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

const isAccuracy = (r: ClassifierResult) => r.metric === 'accuracy' && r.unit === 'fraction' && Number.isFinite(r.value);

function kindOf(estimator: string): ClassifierKind | undefined {
  if (estimator.startsWith(GENERATIVE_PREFIX)) return 'generative';
  if (estimator === SAME_SUBSET_ESTIMATOR) return 'discriminative';
  return undefined;
}

/** The run's newest completed evaluation that reports the generative classifier's accuracy. */
export function newestClassifierEvaluation(evaluations: readonly EvaluationSummary[]): EvaluationSummary | undefined {
  let newest: EvaluationSummary | undefined;
  for (const evaluation of evaluations) {
    if (!evaluation.completed) continue;
    if (!evaluation.results.some((r) => isAccuracy(r) && kindOf(r.estimator) === 'generative')) continue;
    if (!newest || evaluation.createdAt > newest.createdAt) newest = evaluation;
  }
  return newest;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, v) => a + v, 0) / values.length;
}

function sampleStd(values: readonly number[]): number | undefined {
  if (values.length < 2) return undefined;
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
}

/**
 * One series per (family, generative | discriminative): at each labelledExamples the mean
 * accuracy over the runs with that many labels (one per seed) and its sample std. Runs
 * without labelledExamples add no points but may add the all-labels reference line. Undefined
 * when no run with labelledExamples has the results.
 */
export function dataEfficiency(runs: readonly RunWithEvaluations[]): DataEfficiency | undefined {
  const groups = new Map<string, { family: string; kind: ClassifierKind; estimators: Set<string>; byCount: Map<number, DataEfficiencyPoint['runs']> }>();
  const references = new Map<string, number[]>();
  for (const run of runs) {
    const evaluation = newestClassifierEvaluation(run.evaluations);
    if (!evaluation) continue;
    for (const result of evaluation.results) {
      if (!isAccuracy(result)) continue;
      if (result.estimator === ALL_LABELS_ESTIMATOR) {
        references.set(result.features, [...(references.get(result.features) ?? []), result.value]);
        continue;
      }
      const kind = kindOf(result.estimator);
      if (!kind || run.labelledExamples === undefined) continue;
      const key = `${run.family} · ${kind}`;
      let group = groups.get(key);
      if (!group) {
        group = { family: run.family, kind, estimators: new Set(), byCount: new Map() };
        groups.set(key, group);
      }
      group.estimators.add(result.estimator);
      const at = group.byCount.get(run.labelledExamples) ?? [];
      at.push({ runId: run.runId, seed: run.seed, value: result.value });
      group.byCount.set(run.labelledExamples, at);
    }
  }
  if (groups.size === 0) return undefined;

  const series: DataEfficiencySeries[] = [...groups.entries()].map(([key, group]) => ({
    key,
    family: group.family,
    kind: group.kind,
    estimators: [...group.estimators].sort(),
    points: [...group.byCount.entries()]
      .sort(([a], [b]) => a - b)
      .map(([labelledExamples, at]) => {
        const values = at.map((r) => r.value);
        return { labelledExamples, mean: mean(values), std: sampleStd(values), runs: [...at].sort((a, b) => a.seed - b.seed) };
      }),
  }));
  series.sort((a, b) => (a.kind === b.kind ? a.family.localeCompare(b.family) : a.kind === 'generative' ? -1 : 1));
  return {
    series,
    references: [...references.entries()]
      .map(([features, values]) => ({ features, value: mean(values), evaluations: values.length }))
      .sort((a, b) => a.features.localeCompare(b.features)),
  };
}
