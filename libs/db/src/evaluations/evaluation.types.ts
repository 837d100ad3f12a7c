import type { PageOptions } from '../input-validation';

export const EVALUATION_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
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
  /** Sample metrics: the same metric for real data against real data (the floor). */
  readonly realValue: number | null;
  readonly realStdError: number | null;
  /** Sample metrics: the features they were computed on; '' otherwise. */
  readonly features: string;
}

export interface Evaluation {
  readonly id: string;
  readonly runId: string;
  readonly checkpointId: string;
  readonly status: EvaluationStatus;
  readonly error: string | null;
  /** The metrics that were requested. */
  readonly metrics: readonly string[];
  /** How it was asked for (JSON object; the evaluation service's request options). */
  readonly options: Readonly<Record<string, unknown>>;
  readonly createdAt: Date;
  readonly finishedAt: Date | null;
  /** Empty until completed; ordered by metric, then estimator. */
  readonly results: readonly EvaluationResult[];
}

export interface NewEvaluation {
  /** The run is the checkpoint's. */
  readonly checkpointId: string;
  readonly metrics: readonly string[];
  readonly options?: Readonly<Record<string, unknown>>;
  /** 'running' (the default: work starts now) or 'queued' (a job runs it later). */
  readonly status?: 'queued' | 'running';
}

export interface NewEvaluationResult {
  readonly metric: string;
  readonly value: number;
  readonly unit: MetricUnit;
  readonly estimator: MetricEstimator;
  readonly stdError?: number | null;
  readonly sampleCount: number;
  readonly realValue?: number | null;
  readonly realStdError?: number | null;
  readonly features?: string;
}

export interface EvaluationListOptions extends PageOptions {
  readonly runId?: string;
  readonly status?: EvaluationStatus;
  /** Oldest first (a queue's order) instead of newest first. */
  readonly oldestFirst?: boolean;
}

/** A completed evaluation with what a leaderboard shows of its run. */
export interface DatasetEvaluation extends Evaluation {
  readonly family: string;
  readonly experimentId: string;
  readonly step: number;
}
