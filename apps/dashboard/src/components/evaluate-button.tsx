'use client';

import { useActionState } from 'react';
import { startEvaluation, type EvaluateState } from '@/app/runs/[id]/actions';

/** Queue an evaluation of the run's latest checkpoint; the service's refusal is shown as it is. */
export function EvaluateButton({ runId, canEvaluate }: { runId: string; canEvaluate: boolean }) {
  const [state, action, pending] = useActionState<EvaluateState, FormData>(startEvaluation.bind(null, runId), {});
  return (
    <form action={action} className="inline-form">
      <button type="submit" disabled={pending || !canEvaluate} data-testid="evaluate-button">
        {pending ? 'Queueing…' : 'Evaluate latest checkpoint'}
      </button>
      {!canEvaluate && <span className="muted small">Available once the run has saved a checkpoint.</span>}
      {state.queued && !pending && <span className="muted small">Evaluation queued: results appear below when it finishes.</span>}
      {state.error && (
        <span className="form-error" role="alert">
          {state.error}
        </span>
      )}
    </form>
  );
}
