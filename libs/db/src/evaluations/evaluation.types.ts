import type { PageOptions } from '../input-validation';

export const EVALUATION_STATUSES = ['running', 'completed', 'failed'] as const;
export type EvaluationStatus = (typeof EVALUATION_STATUSES)[number];

export type MetricUnit = 'nats' | 'bits/dim' | (string & {});
export type MetricEstimator = 'exact' | 'elbo' | 'iwae-100' | 'parzen' | (string & {});

export interface EvaluationResult {
  /** e.g. 'test_nll', 'neg_elbo'. */
  readonly metric: string;
  readonly value: number;
  readonly unit: MetricUnit;
  /** How the value was obtained: exact likelihood, a bound, or an estimate. */
  readonly estimator: MetricEstimator;
  readonly stdError: number | null;
  readonly sampleCount: number;
}

export interface Evaluation {
  readonly id: string;
  readonly runId: string;
  readonly checkpointId: string;
  readonly status: EvaluationStatus;
  readonly error: string | null;
  /** The metrics that were requested. */
  readonly metrics: readonly string[];
  readonly createdAt: Date;
  readonly finishedAt: Date | null;
  /** Empty until completed; ordered by metric, then estimator. */
  readonly results: readonly EvaluationResult[];
}

export interface NewEvaluation {
  /** The run is the checkpoint's. */
  readonly checkpointId: string;
  readonly metrics: readonly string[];
}

export interface NewEvaluationResult {
  readonly metric: string;
  readonly value: number;
  readonly unit: MetricUnit;
  readonly estimator: MetricEstimator;
  readonly stdError?: number | null;
  readonly sampleCount: number;
}

export interface EvaluationListOptions extends PageOptions {
  readonly runId?: string;
  readonly status?: EvaluationStatus;
}
