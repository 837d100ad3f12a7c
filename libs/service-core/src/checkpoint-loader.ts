import type { Checkpoint, Database, Run } from '@genlab/db';
import { failedPrecondition, invalidArgument } from '@genlab/errors';
import { loadModel, type GenerativeModel } from '@genlab/models';

/** The requested checkpoint of a run, or its latest; a run with none yet is FAILED_PRECONDITION. */
export async function resolveCheckpoint(db: Database, run: Run, checkpointId: string): Promise<Checkpoint> {
  if (checkpointId) {
    const checkpoint = await db.checkpoints.get(checkpointId);
    if (checkpoint.runId !== run.id) throw invalidArgument(`checkpoint ${checkpointId} belongs to another run, not ${run.id}`);
    return checkpoint;
  }
  const latest = await db.checkpoints.latest(run.id);
  if (!latest) throw failedPrecondition(`run ${run.id} has no checkpoint yet (status ${run.status}); wait until it saves one`);
  return latest;
}

export async function loadCheckpointModel(db: Database, checkpoint: Checkpoint): Promise<GenerativeModel> {
  return loadModel(await db.artifacts.read(checkpoint.artifactId));
}
