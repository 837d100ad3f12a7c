import { createReadStream } from 'node:fs';
import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { Observable } from 'rxjs';
import { z } from 'zod';
import { toTimestamp, trainingV1 } from '@genlab/contracts';
import type { Artifact, Database } from '@genlab/db';
import { id, parseRequest } from '@genlab/grpc';
import { DATABASE } from '@genlab/service-core';

const SERVICE = 'TrainingService';
const CHUNK_BYTES = 1024 * 1024;

@Controller()
export class ArtifactsController {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  @GrpcMethod(SERVICE, 'ListArtifacts')
  async listArtifacts(request: trainingV1.ListArtifactsRequest): Promise<trainingV1.ListArtifactsResponse> {
    const r = parseRequest(z.object({ runId: id('run_id'), kind: z.string() }), request);
    await this.db.runs.get(r.runId);
    const artifacts = await this.db.artifacts.list({ runId: r.runId, kind: r.kind || undefined, limit: 1000 });
    return { artifacts: artifacts.map(toArtifactMessage) };
  }

  /** Artifacts are addressed by id only; the file path never comes from the client. */
  @GrpcMethod(SERVICE, 'GetArtifactContent')
  getArtifactContent(request: trainingV1.GetArtifactContentRequest): Observable<trainingV1.ArtifactChunk> {
    return new Observable<trainingV1.ArtifactChunk>((subscriber) => {
      let stream: ReturnType<typeof createReadStream> | undefined;
      void (async () => {
        const r = parseRequest(z.object({ artifactId: id('artifact_id') }), request);
        const artifact = await this.db.artifacts.get(r.artifactId);
        const path = await this.db.artifacts.path(artifact.id);
        let first = true;
        stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
        stream.on('data', (data) => {
          subscriber.next({ artifact: first ? toArtifactMessage(artifact) : undefined, data: data as Buffer });
          first = false;
        });
        stream.on('end', () => {
          if (first) subscriber.next({ artifact: toArtifactMessage(artifact), data: Buffer.alloc(0) });
          subscriber.complete();
        });
        stream.on('error', (error) => subscriber.error(error));
      })().catch((error: unknown) => subscriber.error(error));
      return () => stream?.destroy();
    });
  }
}

export function toArtifactMessage(artifact: Artifact): trainingV1.Artifact {
  return {
    id: artifact.id,
    kind: artifact.kind,
    runId: artifact.runId ?? '',
    datasetId: artifact.datasetId ?? '',
    mediaType: artifact.mediaType,
    sizeBytes: artifact.sizeBytes,
    sha256: artifact.sha256,
    metaJson: JSON.stringify(artifact.meta ?? {}),
    createTime: toTimestamp(artifact.createdAt),
  };
}
