export { openDatabase, type Database, type OpenDatabaseOptions } from './database';
export type { DatabaseProvider } from './migrations/database-target';
export type { JsonObject, JsonPrimitive, JsonValue } from './json';
export type { PageOptions } from './input-validation';

export type { ArtifactStore } from './artifacts/artifact-store';
export type { Artifact, ArtifactKind, ArtifactListOptions, PutArtifactOptions } from './artifacts/artifact.types';
export type { DatasetRepository } from './datasets/dataset.repository';
export { DATASET_KINDS, type Dataset, type DatasetKind, type NewDataset } from './datasets/dataset.types';
export type { ExperimentRepository } from './experiments/experiment.repository';
export type { Experiment, ExperimentSummary, NewExperiment } from './experiments/experiment.types';
export type { RunRepository } from './runs/run.repository';
export type { LatestEvaluationResult, RunSearchRepository } from './runs/run-search.repository';
export {
  MAX_RUN_NOTES_LENGTH,
  MAX_RUN_TAGS,
  MAX_RUN_TAG_VALUE_LENGTH,
  RUN_STATUSES,
  RUN_TAG_KEY_PATTERN,
  type ClaimOptions,
  type ClaimedProgress,
  type NewRun,
  type Run,
  type RunClaim,
  type RunListOptions,
  type RunProgress,
  type RunStatus,
  type RunStatusChange,
  type RunUpdate,
} from './runs/run.types';
export { ClaimLostError, isClaimLost } from './runs/run-claim';
export { MAX_SWEEP_RUNS, type SweepRepository } from './sweeps/sweep.repository';
export { SWEEP_METHODS, type NewSweep, type Sweep, type SweepMethod, type SweepWithRuns } from './sweeps/sweep.types';
export { isTransientDatabaseError } from './resilience/transient-errors';
export { retryTransient, type RetryOptions } from './resilience/retry';
export { isTerminal as isTerminalRunStatus } from './runs/run-status';
export type { MetricRepository } from './metrics/metric.repository';
export type { MetricPoint, MetricPointQuery, NewMetricPoint } from './metrics/metric.types';
export type { CheckpointRepository } from './checkpoints/checkpoint.repository';
export type { Checkpoint, NewCheckpoint } from './checkpoints/checkpoint.types';
export type { EvaluationRepository } from './evaluations/evaluation.repository';
export {
  EVALUATION_STATUSES,
  type DatasetEvaluation,
  type Evaluation,
  type EvaluationListOptions,
  type EvaluationResult,
  type EvaluationStatus,
  type MetricEstimator,
  type MetricUnit,
  type NewEvaluation,
  type NewEvaluationResult,
} from './evaluations/evaluation.types';
export {
  hashToken,
  OWNED_KINDS,
  ROLES,
  type AccessRepository,
  type ApiToken,
  type OwnedKind,
  type Role,
} from './access/access.repository';
