'use server';

import { redirect } from 'next/navigation';
import { unary } from '@genlab/client';
import { trainingV1 } from '@genlab/contracts';
import { CONDITIONAL_FAMILIES, parseIntegerList } from '@/lib/number-list';
import { genlab } from '@/lib/server/genlab-clients';
import { callService, refusalMessage } from '@/lib/server/service-errors';

export interface DataEfficiencyFormState {
  /** Messages by form field: 'dataset', 'family', 'sizes', 'seeds', 'maxSteps', 'config'. */
  fieldErrors: Record<string, string>;
  formErrors: string[];
}

const MAX_SEED = 2 ** 31 - 1;
const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();

/**
 * Start the data-efficiency comparison in an experiment: StartSweep with the template, the
 * label counts, seeds and step budget from the form; the training service validates the rest
 * (its refusals shown on the form), the evaluation service evaluates each run as it completes,
 * and the experiment page charts the result.
 */
export async function startDataEfficiency(experimentId: string, _previous: DataEfficiencyFormState, form: FormData): Promise<DataEfficiencyFormState> {
  const fieldErrors: Record<string, string> = {};
  const datasetId = text(form, 'dataset');
  const family = text(form, 'family');
  if (!datasetId) fieldErrors.dataset = 'choose a labelled dataset';
  if (!(CONDITIONAL_FAMILIES as readonly string[]).includes(family)) fieldErrors.family = `choose one of ${CONDITIONAL_FAMILIES.join(', ')}`;
  const sizes = parseIntegerList(text(form, 'sizes'), { min: 1, max: 10_000_000, what: 'label count' });
  if ('error' in sizes) fieldErrors.sizes = sizes.error;
  const seeds = parseIntegerList(text(form, 'seeds'), { min: 0, max: MAX_SEED, what: 'seed' });
  if ('error' in seeds) fieldErrors.seeds = seeds.error;
  const maxSteps = Number(text(form, 'maxSteps'));
  if (!Number.isSafeInteger(maxSteps) || maxSteps < 1) fieldErrors.maxSteps = 'must be a positive integer';
  const config = parseConfigObject(text(form, 'config'));
  if ('error' in config) fieldErrors.config = config.error;
  if (Object.keys(fieldErrors).length > 0 || 'error' in sizes || 'error' in seeds || 'error' in config) return { fieldErrors, formErrors: [] };

  const { training } = genlab();
  try {
    await callService('training', () =>
      unary(
        training.startSweep,
        training,
        trainingV1.StartSweepRequest.create({
          experimentId,
          datasetId,
          family,
          template: trainingV1.SweepTemplate.SWEEP_TEMPLATE_DATA_EFFICIENCY,
          baseConfigJson: JSON.stringify({ ...config.value, maxSteps }),
          parameters: [{ field: 'labelledExamples', valuesJson: sizes.values.map(String), min: 0, max: 0, logScale: false, integer: false }],
          seeds: seeds.values,
        }),
        30_000,
      ),
    );
  } catch (error) {
    const refusal = refusalMessage(error);
    if (!refusal) throw error;
    return { fieldErrors: {}, formErrors: [refusal.message] };
  }
  redirect(`/experiments/${encodeURIComponent(experimentId)}`);
}

/** The optional extra config: a JSON object (empty: none). */
function parseConfigObject(json: string): { value: Record<string, unknown> } | { error: string } {
  if (json === '') return { value: {} };
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { value: value as Record<string, unknown> };
  } catch {
    // reported below
  }
  return { error: 'must be a JSON object, e.g. {"likelihood": "gaussian"}' };
}
