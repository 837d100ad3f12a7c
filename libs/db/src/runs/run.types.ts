import type { PageOptions } from '../input-validation';
import type { JsonObject } from '../json';

export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface Run {
  readonly id: string;
  readonly experimentId: string;
  readonly datasetId: string;
  /** Model family, e.g. 'vae-mlp'. */
  readonly family: string;
  /** The validated, JSON-serialisable family config the run was started with. */
  readonly config: JsonObject;
  readonly seed: number;
  readonly status: RunStatus;
  /** Why the status last changed (e.g. 'cancelled by user'), if anyone said. */
  readonly statusReason: string | null;
  /** The failure message of a failed run. */
  readonly error: string | null;
  readonly totalSteps: number;
  readonly stepsDone: number;
  /** Compute backend the run used, e.g. 'wasm'. */
  readonly backend: string | null;
  /** The worker that holds (or last held) the run. */
  readonly worker: string | null;
  readonly heartbeatAt: Date | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
}

export interface NewRun {
  readonly experimentId: string;
  readonly datasetId: string;
  readonly family: string;
  readonly config: JsonObject;
  /** A 32-bit signed integer. */
  readonly seed: number;
  readonly totalSteps: number;
  readonly backend?: string;
}

export interface RunStatusChange {
  readonly reason?: string;
  /** Failure message (status 'failed'). */
  readonly error?: string;
  /** Who took the run (status 'running'). */
  readonly worker?: string;
  readonly backend?: string;
}

export interface RunProgress {
  readonly stepsDone: number;
  /** Defaults to now. */
  readonly heartbeatAt?: Date;
}

export interface RunListOptions extends PageOptions {
  readonly experimentId?: string;
  readonly datasetId?: string;
  readonly status?: RunStatus | readonly RunStatus[];
}
