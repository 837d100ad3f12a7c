'use server';

import { status } from '@grpc/grpc-js';
import { redirect } from 'next/navigation';
import { unary } from '@genlab/client';
import { genlab } from '@/lib/server/genlab-clients';
import { callService, grpcCode, refusalMessage } from '@/lib/server/service-errors';

export interface NewExperimentState {
  fieldErrors: { name?: string; description?: string };
  formErrors: string[];
}

/** CreateExperiment from the experiments page's form, then its page; a taken name is said beside the field. */
export async function createExperimentFromForm(_previous: NewExperimentState, form: FormData): Promise<NewExperimentState> {
  const name = String(form.get('name') ?? '').trim();
  const description = String(form.get('description') ?? '').trim();
  if (!name) return { fieldErrors: { name: 'give the experiment a name' }, formErrors: [] };
  const { training } = genlab();
  let id: string;
  try {
    id = (await callService('training', () => unary(training.createExperiment, training, { name, description }, 10_000))).id;
  } catch (error) {
    if (grpcCode(error) === status.ALREADY_EXISTS) return { fieldErrors: { name: `an experiment named '${name}' already exists: pick another name` }, formErrors: [] };
    const refusal = refusalMessage(error);
    if (!refusal) throw error;
    return { fieldErrors: {}, formErrors: [refusal.message] };
  }
  redirect(`/experiments/${encodeURIComponent(id)}`);
}
