export interface Checkpoint {
  readonly id: string;
  readonly runId: string;
  readonly step: number;
  /** The stored model weights. */
  readonly artifactId: string;
  readonly createdAt: Date;
}

export interface NewCheckpoint {
  readonly runId: string;
  readonly step: number;
  /** Stored beforehand, owned by the run or by nobody (the run then takes ownership). */
  readonly artifactId: string;
}
