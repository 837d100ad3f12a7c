import type { RunStatus } from '../runs/run.types';

export interface Experiment {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly createdAt: Date;
}

export interface ExperimentSummary extends Experiment {
  readonly runCount: number;
  /** Runs by status (statuses without runs are left out). */
  readonly statusCounts: Partial<Record<RunStatus, number>>;
  /** The latest of its creation and its runs' creation, start, heartbeat and end. */
  readonly lastActivityAt: Date;
}

export interface NewExperiment {
  /** Unique across experiments. */
  readonly name: string;
  readonly description?: string;
}
