import type { JsonObject } from '../json';

/** Known kinds; others are allowed as long as they are lowercase slugs. */
export type ArtifactKind = 'checkpoint' | 'dataset' | 'sample-grid' | (string & {});

/** A stored file. Its bytes are reached through the store by id, never by a client path. */
export interface Artifact {
  readonly id: string;
  readonly kind: ArtifactKind;
  readonly runId: string | null;
  readonly datasetId: string | null;
  readonly mediaType: string;
  readonly sizeBytes: number;
  /** Lowercase hex SHA-256 of the bytes. */
  readonly sha256: string;
  readonly meta: JsonObject;
  readonly createdAt: Date;
}

export interface PutArtifactOptions {
  readonly kind: ArtifactKind;
  /** e.g. 'application/octet-stream', 'image/png'. */
  readonly mediaType: string;
  /** Owner run: the artifact is deleted with it. */
  readonly runId?: string;
  /** Owner dataset: the artifact is deleted with it. */
  readonly datasetId?: string;
  readonly meta?: JsonObject;
}

export interface ArtifactListOptions {
  readonly runId?: string;
  readonly datasetId?: string;
  readonly kind?: ArtifactKind;
  readonly limit?: number;
  readonly offset?: number;
}
