/**
 * The JSON the dashboard's event stream (/api/runs/[id]/events) sends for each
 * TrainingService RunEvent: one `data:` line per event, then `event: end` when the run's
 * stream completes, or `event: problem` when it fails.
 */

/** RunStatus enum names, as in the proto. */
export type RunStatusName =
  | 'RUN_STATUS_UNSPECIFIED'
  | 'RUN_STATUS_QUEUED'
  | 'RUN_STATUS_RUNNING'
  | 'RUN_STATUS_COMPLETED'
  | 'RUN_STATUS_FAILED'
  | 'RUN_STATUS_CANCELLED'
  | 'UNRECOGNIZED';

export const TERMINAL_STATUSES: ReadonlySet<RunStatusName> = new Set([
  'RUN_STATUS_COMPLETED',
  'RUN_STATUS_FAILED',
  'RUN_STATUS_CANCELLED',
]);

export interface MetricPointJson {
  key: string;
  step: number;
  /** null when the service reported a non-finite value (JSON has no NaN). */
  value: number | null;
}

interface EventBase {
  runId: string;
  /** ISO 8601 */
  time?: string;
}

export type RunEventJson =
  | (EventBase & {
      type: 'status';
      status: RunStatusName;
      statusReason: string;
      error: string;
      stepsDone: number;
      totalSteps: number;
    })
  | (EventBase & { type: 'progress'; stepsDone: number; totalSteps: number; epoch: number; stepsPerSecond: number })
  | (EventBase & { type: 'metrics'; points: MetricPointJson[] })
  | (EventBase & { type: 'checkpoint'; checkpoint: { id: string; step: number; artifactId: string } });

export interface StreamProblem {
  message: string;
}
