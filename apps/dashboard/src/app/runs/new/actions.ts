'use server';

import { status } from '@grpc/grpc-js';
import { redirect } from 'next/navigation';
import { unary } from '@genlab/client';
import { configFields, fieldErrorsFrom, readConfig } from '@/lib/config-form';
import { genlab } from '@/lib/server/genlab-clients';
import { listExperiments, listFamilies } from '@/lib/server/queries';
import { callService, grpcCode, refusalMessage } from '@/lib/server/service-errors';

export interface NewRunState {
  /** Messages by form field: 'family', 'dataset', 'experiment', 'seed', or a config field's name. */
  fieldErrors: Record<string, string>;
  formErrors: string[];
}

const MAX_SEED = 2 ** 31 - 1;

/**
 * The id of the experiment with this name, created if there is none. A name that already
 * exists is reused, so resubmitting the form after the service refused the run (the
 * experiment was made on the first try) files the run where the person asked.
 */
async function experimentNamed(name: string): Promise<{ id: string } | { error: string }> {
  const { training } = genlab();
  try {
    return { id: (await callService('training', () => unary(training.createExperiment, training, { name, description: '' }, 10_000))).id };
  } catch (error) {
    if (grpcCode(error) === status.INVALID_ARGUMENT) return { error: refusalMessage(error)?.message ?? `'${name}' is not a usable name` };
    if (grpcCode(error) !== status.ALREADY_EXISTS) throw error;
  }
  const existing = (await listExperiments(1, 500)).items.find((x) => x.name === name);
  return existing ? { id: existing.id } : { error: `an experiment named '${name}' exists but is not among the newest 500: pick it from the list` };
}
const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();

/**
 * Start a run from the new-run form: check the form against the family's schema, create the
 * experiment if a new name was given, StartRun, and land on the run's page. The service's
 * INVALID_ARGUMENT comes back as messages beside the fields it names.
 */
export async function startRunFromForm(_previous: NewRunState, form: FormData): Promise<NewRunState> {
  const fieldErrors: Record<string, string> = {};
  const family = text(form, 'family');
  const datasetId = text(form, 'dataset');
  const experimentId = text(form, 'experiment');
  const newExperiment = text(form, 'newExperiment');
  const seedText = text(form, 'seed') || '0';

  let families: Awaited<ReturnType<typeof listFamilies>>;
  try {
    families = await listFamilies();
  } catch (error) {
    const refusal = refusalMessage(error);
    if (!refusal) throw error;
    return { fieldErrors, formErrors: [refusal.message] };
  }
  const chosen = families.find((f) => f.name === family);
  if (!chosen) fieldErrors.family = `choose a family (${families.map((f) => f.name).join(', ')})`;
  if (!datasetId) fieldErrors.dataset = 'choose the dataset to train on';
  if (!experimentId && !newExperiment) fieldErrors.experiment = 'choose an experiment, or name a new one';
  const seed = Number(seedText);
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) fieldErrors.seed = `must be an integer from 0 to ${MAX_SEED}`;
  const fields = chosen ? configFields(chosen.configSchemaJson) : [];
  const { config, errors } = readConfig(fields, Object.fromEntries(fields.map((f) => [f.name, form.get(`config.${f.name}`)?.toString()])));
  Object.assign(fieldErrors, errors);
  if (Object.keys(fieldErrors).length > 0) return { fieldErrors, formErrors: [] };

  const { training } = genlab();
  let runId: string;
  try {
    let experiment = experimentId;
    if (newExperiment) {
      const found = await experimentNamed(newExperiment);
      if ('error' in found) return { fieldErrors: { experiment: found.error }, formErrors: [] };
      experiment = found.id;
    }
    const run = await callService('training', () =>
      unary(training.startRun, training, { experimentId: experiment, datasetId, family, configJson: JSON.stringify(config), seed }, 30_000),
    );
    runId = run.id;
  } catch (error) {
    const refusal = refusalMessage(error);
    if (!refusal) throw error;
    if (refusal.code !== 'invalid') return { fieldErrors: {}, formErrors: [refusal.message] };
    const { fields: byField, other } = fieldErrorsFrom(refusal.message, fields.map((f) => f.name));
    return { fieldErrors: byField, formErrors: other };
  }
  redirect(`/runs/${encodeURIComponent(runId)}`);
}
