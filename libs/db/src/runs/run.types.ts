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
  /** Last renewal of the holding worker's claim. */
  readonly heartbeatAt: Date | null;
  /** StopRun was called while the run was running; its worker stops at the next step boundary. */
  readonly stopRequested: boolean;
  /** How many times a worker claimed the run (above 1: resumed after its worker was lost). */
  readonly attempts: number;
  /** The sweep that created the run, if any, and its place among the sweep's runs. */
  readonly sweepId: string | null;
  readonly sweepIndex: number | null;
  /** User labels (MLflow-style), string → string. */
  readonly tags: Readonly<Record<string, string>>;
  /** Free text about the run ('' when none). */
  readonly notes: string;
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

/** Limits on a run's tags and notes. */
export const RUN_TAG_KEY_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
export const MAX_RUN_TAG_VALUE_LENGTH = 256;
export const MAX_RUN_TAGS = 50;
export const MAX_RUN_NOTES_LENGTH = 10_000;

/** A change to a run's user-editable fields; what is left out stays as it is. */
export interface RunUpdate {
  /** Tags to add or overwrite. */
  readonly setTags?: Readonly<Record<string, string>>;
  /** Tags to remove (keys the run does not have are ignored). Applied before `setTags`. */
  readonly removeTagKeys?: readonly string[];
  /** Replaces the notes. */
  readonly notes?: string;
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
  readonly sweepId?: string;
  readonly datasetId?: string;
  readonly status?: RunStatus | readonly RunStatus[];
}

export interface ClaimOptions {
  /** Who takes the run, e.g. 'host:pid'. */
  readonly worker: string;
  readonly backend?: string;
  /**
   * A running run may be taken over once its heartbeat is older than this: its worker is
   * presumed dead. Workers must renew their claim well within it.
   */
  readonly leaseMs: number;
  /**
   * Take a running run over whatever its heartbeat: for a single embedded executor that
   * knows no other process trains on this database (its own runs left from a crash).
   */
  readonly takeover?: boolean;
}

/** A run held by a worker; `token` fences every write the worker makes for it. */
export interface RunClaim {
  readonly run: Run;
  readonly token: string;
}

export interface ClaimedProgress {
  readonly stepsDone?: number;
}
