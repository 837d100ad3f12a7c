'use server';

import { revalidatePath } from 'next/cache';
import { unary } from '@genlab/client';
import { genlab } from '@/lib/server/genlab-clients';
import { callService, refusalMessage } from '@/lib/server/service-errors';

export interface ExportDecoderState {
  /** The model.json artifact, once the export succeeded. */
  exported?: string;
  error?: string;
}

/**
 * Export the decoder of the run's latest checkpoint (GenerationService.ExportDecoder) and
 * re-render the explorer, which then finds it. A run without an exportable decoder gets the
 * service's FAILED_PRECONDITION message, which says which runs have one.
 */
export async function exportDecoder(runId: string, _previous: ExportDecoderState, _form: FormData): Promise<ExportDecoderState> {
  const { generation } = genlab();
  try {
    const exported = await callService('generation', () => unary(generation.exportDecoder, generation, { runId, checkpointId: '' }, 60_000));
    revalidatePath(`/runs/${runId}/explore`);
    return { exported: exported.modelJsonArtifactId };
  } catch (error) {
    const refusal = refusalMessage(error);
    if (!refusal) throw error;
    return { error: refusal.message };
  }
}
