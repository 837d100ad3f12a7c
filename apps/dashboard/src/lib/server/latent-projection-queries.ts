import 'server-only';
import { collect, unary } from '@genlab/client';
import { fromTimestamp } from '@genlab/contracts';
import { parseLatentProjection, parseProjectionMeta, type LatentProjection, type ProjectionMeta } from '../latent-projection';
import { genlab } from './genlab-clients';
import { callService } from './service-errors';

const DEADLINE_MS = 10_000;

export interface RunLatentProjection {
  artifactId: string;
  createdAt?: Date;
  meta: ProjectionMeta;
  /** Undefined when the artifact could not be read as a projection (see `problem`). */
  projection?: LatentProjection;
  problem?: string;
}

/**
 * The run's newest 'latent-projection' artifact (written by the evaluation service's
 * latent_projection metric), read through TrainingService.GetArtifactContent; undefined when
 * the run has none.
 */
export async function newestLatentProjection(runId: string): Promise<RunLatentProjection | undefined> {
  const { training } = genlab();
  const { artifacts } = await callService('training', () => unary(training.listArtifacts, training, { runId, kind: 'latent-projection' }, DEADLINE_MS));
  const time = (a: (typeof artifacts)[number]) => fromTimestamp(a.createTime)?.getTime() ?? 0;
  const newest = artifacts.reduce<(typeof artifacts)[number] | undefined>((best, a) => (!best || time(a) > time(best) ? a : best), undefined);
  if (!newest) return undefined;
  const found: RunLatentProjection = { artifactId: newest.id, createdAt: fromTimestamp(newest.createTime), meta: parseProjectionMeta(newest.metaJson) };
  const chunks = await callService('training', () =>
    collect(training.getArtifactContent({ artifactId: newest.id }, { deadline: new Date(Date.now() + DEADLINE_MS) })),
  );
  try {
    found.projection = parseLatentProjection(Buffer.concat(chunks.map((c) => c.data)).toString('utf8'));
  } catch (error) {
    found.problem = error instanceof Error ? error.message : String(error);
  }
  return found;
}
