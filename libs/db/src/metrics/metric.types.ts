export interface MetricPoint {
  readonly runId: string;
  /** e.g. 'loss', 'train/neg_elbo'. */
  readonly key: string;
  readonly step: number;
  readonly value: number;
  /** Wall-clock time the value was measured. */
  readonly time: Date;
}

export interface NewMetricPoint {
  readonly key: string;
  readonly step: number;
  /** Any double: NaN, ±Infinity and −0 are stored by name and come back identical on both databases. */
  readonly value: number;
  /** Defaults to now. */
  readonly time?: Date;
}

export interface MetricPointQuery {
  /** Only this key (one curve); all keys otherwise. */
  readonly key?: string;
  /** Only steps strictly greater than this (for polling a growing curve). */
  readonly afterStep?: number;
  /** At most this many points (default 10 000, max 100 000). */
  readonly limit?: number;
}
