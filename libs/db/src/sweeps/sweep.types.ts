import type { JsonObject } from '../json';
import type { NewRun, Run } from '../runs/run.types';

export const SWEEP_METHODS = ['grid', 'random'] as const;
export type SweepMethod = (typeof SWEEP_METHODS)[number];

export interface Sweep {
  readonly id: string;
  readonly experimentId: string;
  readonly name: string;
  readonly method: SweepMethod;
  /** The sweep as it was declared (family, dataset, base config, parameters, seeds…). */
  readonly spec: JsonObject;
  readonly createdAt: Date;
}

export interface NewSweep {
  readonly experimentId: string;
  readonly name?: string;
  readonly method: SweepMethod;
  readonly spec: JsonObject;
  /** Every run of the sweep, all in the sweep's experiment; created with it or not at all. */
  readonly runs: readonly Omit<NewRun, 'experimentId'>[];
}

export interface SweepWithRuns {
  readonly sweep: Sweep;
  /** In the order given. */
  readonly runs: Run[];
}
