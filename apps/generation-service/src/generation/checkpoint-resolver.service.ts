import { Inject, Injectable } from '@nestjs/common';
import { isTerminalRunStatus, type Checkpoint, type Database } from '@genlab/db';
import { DATABASE, resolveCheckpoint } from '@genlab/service-core';

/** How long a resolution is reused before the database is asked again. */
const REUSE_MS = 5_000;
const MAX_ENTRIES = 10_000;

/**
 * The checkpoint a call asks for (a given one, or the run's latest), with the database read
 * once per run rather than on every call where that cannot change the answer: only for runs
 * that have ended. A running run may save a newer checkpoint or prune old ones at any step,
 * so its checkpoints are looked up on every call; an ended run has no worker (terminal
 * statuses are final, and checkpoints are written and pruned only under a live run claim), so
 * its latest checkpoint and the rows of its checkpoints stay as they are. Reuse is still
 * bounded by REUSE_MS, so that a run deleted from the database stops being served soon after.
 *
 * The run is read before its checkpoint: a run seen ended cannot have gained a checkpoint
 * by the time the checkpoint is read. Errors (unknown run, no checkpoint yet, a checkpoint of
 * another run) are never cached and are the same as `resolveCheckpoint`'s.
 */
@Injectable()
export class CheckpointResolver {
  private readonly ended = new Map<string, { checkpoint: Checkpoint; until: number }>();

  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async resolve(runId: string, checkpointId: string): Promise<Checkpoint> {
    const key = `${runId}/${checkpointId}`;
    const now = Date.now();
    const cached = this.ended.get(key);
    if (cached && cached.until > now) return cached.checkpoint;
    const run = await this.db.runs.get(runId);
    const checkpoint = await resolveCheckpoint(this.db, run, checkpointId);
    if (isTerminalRunStatus(run.status)) {
      if (this.ended.size >= MAX_ENTRIES) this.ended.clear();
      this.ended.set(key, { checkpoint, until: now + REUSE_MS });
    } else {
      this.ended.delete(key);
    }
    return checkpoint;
  }
}
