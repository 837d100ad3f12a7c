import 'server-only';
import { unary } from '@genlab/client';
import { fromTimestamp, type trainingV1 } from '@genlab/contracts';
import { parseDecoderMeta, type DecoderMeta } from '../latent-explorer';
import { genlab } from './genlab-clients';
import { callService } from './service-errors';

const DEADLINE_MS = 10_000;

export interface ExportedDecoderArtifact {
  /** The model.json artifact: load `/api/artifacts/<id>` with tf.loadLayersModel. */
  modelJsonArtifactId: string;
  meta: DecoderMeta;
}

/** The checkpoint with the highest step, or undefined before the first one. */
export const latestCheckpoint = (checkpoints: readonly trainingV1.Checkpoint[]): trainingV1.Checkpoint | undefined =>
  checkpoints.reduce<trainingV1.Checkpoint | undefined>((best, c) => (!best || c.step > best.step ? c : best), undefined);

/**
 * The newest decoder exported (GenerationService.ExportDecoder, artifact kind 'tfjs-model')
 * from checkpoint `checkpointId` of the run, or undefined if none was.
 */
export async function exportedDecoder(runId: string, checkpointId: string): Promise<ExportedDecoderArtifact | undefined> {
  const { training } = genlab();
  const { artifacts } = await callService('training', () => unary(training.listArtifacts, training, { runId, kind: 'tfjs-model' }, DEADLINE_MS));
  const time = (a: trainingV1.Artifact) => fromTimestamp(a.createTime)?.getTime() ?? 0;
  let found: ExportedDecoderArtifact | undefined;
  let foundTime = -Infinity;
  for (const artifact of artifacts) {
    const meta = parseDecoderMeta(artifact.metaJson);
    if (meta?.checkpointId !== checkpointId || time(artifact) <= foundTime) continue;
    found = { modelJsonArtifactId: artifact.id, meta };
    foundTime = time(artifact);
  }
  return found;
}
