'use server';

import { revalidatePath } from 'next/cache';
import { unary } from '@genlab/client';
import { genlab } from '@/lib/server/genlab-clients';
import { callService, refusalMessage } from '@/lib/server/service-errors';

/** The run's tags and notes after an update, or why the training service refused it. */
export interface RunUpdateResult {
  tags?: Record<string, string>;
  notes?: string;
  error?: string;
}

async function updateRun(runId: string, change: { setTags?: Record<string, string>; removeTagKeys?: string[]; notes?: string }): Promise<RunUpdateResult> {
  const { training } = genlab();
  try {
    const run = await callService('training', () =>
      unary(training.updateRun, training, { id: runId, setTags: change.setTags ?? {}, removeTagKeys: change.removeTagKeys ?? [], notes: change.notes }, 10_000),
    );
    revalidatePath('/runs');
    revalidatePath(`/runs/${runId}`);
    return { tags: run.tags, notes: run.notes };
  } catch (error) {
    const refusal = refusalMessage(error);
    if (!refusal) throw error;
    return { error: refusal.message };
  }
}

/** Adds (or overwrites) one tag. */
export async function setRunTag(runId: string, key: string, value: string): Promise<RunUpdateResult> {
  return updateRun(runId, { setTags: { [key]: value } });
}

export async function removeRunTag(runId: string, key: string): Promise<RunUpdateResult> {
  return updateRun(runId, { removeTagKeys: [key] });
}

export async function setRunNotes(runId: string, notes: string): Promise<RunUpdateResult> {
  return updateRun(runId, { notes });
}
