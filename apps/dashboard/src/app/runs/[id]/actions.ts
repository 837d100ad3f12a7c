'use server';

import { revalidatePath } from 'next/cache';
import { unary } from '@genlab/client';
import { evaluationV1 } from '@genlab/contracts';
import { genlab } from '@/lib/server/genlab-clients';
import { callService, refusalMessage } from '@/lib/server/service-errors';

export interface EvaluateState {
  /** Set after a start was accepted. */
  queued?: string;
  error?: string;
}

/**
 * Queue an evaluation of the run's latest checkpoint with the service's defaults: every
 * likelihood metric the model has, or sample metrics for a model without one.
 */
export async function startEvaluation(runId: string, _previous: EvaluateState, _form: FormData): Promise<EvaluateState> {
  const { evaluation } = genlab();
  try {
    const started = await callService('evaluation', () =>
      unary(evaluation.startEvaluation, evaluation, evaluationV1.EvaluateRequest.create({ runId }), 10_000),
    );
    revalidatePath(`/runs/${runId}`);
    return { queued: started.id };
  } catch (error) {
    const refusal = refusalMessage(error);
    if (!refusal) throw error;
    return { error: refusal.message };
  }
}
