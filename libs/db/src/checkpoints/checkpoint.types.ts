export interface Checkpoint {
  readonly id: string;
  readonly runId: string;
  readonly step: number;
  /** The stored model weights. */
  readonly artifactId: string;
  /** Validation loss at this step in nats per example, when the family has one (see the schema). */
  readonly validationLoss: number | null;
  readonly createdAt: Date;
}

export interface NewCheckpoint {
  readonly runId: string;
  readonly step: number;
  /** Stored beforehand, owned by the run or by nobody (the run then takes ownership). */
  readonly artifactId: string;
  /** Finite, when the family has a validation loss. */
  readonly validationLoss?: number;
}
