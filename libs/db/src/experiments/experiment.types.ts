export interface Experiment {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly createdAt: Date;
}

export interface ExperimentSummary extends Experiment {
  readonly runCount: number;
}

export interface NewExperiment {
  /** Unique across experiments. */
  readonly name: string;
  readonly description?: string;
}
