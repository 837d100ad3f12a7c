import type { JsonObject } from '../json';

export const DATASET_KINDS = ['idx', 'synthetic', 'image-archive'] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];

export interface Dataset {
  readonly id: string;
  readonly name: string;
  readonly kind: DatasetKind;
  /** Shape of one example, e.g. [28, 28, 1] or [2]. */
  readonly shape: readonly number[];
  readonly numExamples: number;
  readonly numClasses: number | null;
  readonly hasLabels: boolean;
  readonly trainCount: number;
  readonly testCount: number;
  /** The stored tensor file (an artifact owned by this dataset). */
  readonly artifactId: string;
  readonly stats: JsonObject;
  readonly createdAt: Date;
}

export interface NewDataset {
  readonly name: string;
  readonly kind: DatasetKind;
  readonly shape: readonly number[];
  readonly numExamples: number;
  readonly numClasses?: number | null;
  readonly hasLabels: boolean;
  readonly trainCount: number;
  readonly testCount: number;
  /** An artifact stored beforehand without an owner; the dataset takes ownership of it. */
  readonly artifactId: string;
  readonly stats?: JsonObject;
}
