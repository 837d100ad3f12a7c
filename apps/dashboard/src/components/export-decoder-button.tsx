'use client';

import { useActionState } from 'react';
import { exportDecoder, type ExportDecoderState } from '@/app/runs/[id]/explore/actions';

/** Export the latest checkpoint's decoder; the service's refusal (no exportable decoder) is shown as it is. */
export function ExportDecoderButton({ runId }: { runId: string }) {
  const [state, action, pending] = useActionState<ExportDecoderState, FormData>(exportDecoder.bind(null, runId), {});
  return (
    <form action={action} className="inline-form">
      <button type="submit" disabled={pending} data-testid="export-decoder">
        {pending ? 'Exporting…' : 'Export decoder'}
      </button>
      {state.error && (
        <span className="form-error" role="alert" data-testid="export-error">
          {state.error}
        </span>
      )}
    </form>
  );
}
