import { DATA_EFFICIENCY_SIZES } from '@genlab/data';
import type { Dataset } from '@genlab/db';
import { failedPrecondition, invalidArgument } from '@genlab/errors';
import { familyInfo, parseConfig } from '@genlab/models';
import { parseJsonObject } from '../runs/runs.service';
import type { StartSweepInput } from './sweeps.service';

export const SWEEP_TEMPLATES = ['data-efficiency'] as const;
export type SweepTemplate = (typeof SWEEP_TEMPLATES)[number];

/** A sweep request with its template applied, and what the template adds to the sweep. */
export interface TemplatedSweep {
  readonly input: StartSweepInput;
  /** Evaluation metrics each run gets once it completes. */
  readonly evaluateMetrics: readonly string[];
}

/** Every size gets the same training budget unless the base config says otherwise. */
export const DATA_EFFICIENCY_STEPS = 1000;
export const DATA_EFFICIENCY_SEEDS: readonly number[] = [0, 1, 2];
const LABELLED = 'labelledExamples';

/**
 * The data-efficiency experiment (issue 10) as a grid sweep: a class-conditional explicit
 * model trained on labelled subsets of increasing size, several seeds each, every run
 * evaluated with `generative_classifier` (the generative classifier against a
 * discriminative one trained on the same subset). The request's own values win; the
 * template fills in the rest (see SWEEP_TEMPLATE_DATA_EFFICIENCY in training.proto).
 */
export function dataEfficiencySweep(input: StartSweepInput, dataset: Dataset): TemplatedSweep {
  const family = familyInfo(input.family);
  if (family.density === 'implicit') {
    throw failedPrecondition(
      `${family.name} is an implicit model: it has no p(x|y) to classify with. The data-efficiency template needs a class-conditional explicit family (vae, pixelcnn, realnvp)`,
    );
  }
  const properties = (family.configSchema['properties'] ?? {}) as Record<string, unknown>;
  if (!('conditional' in properties)) {
    throw failedPrecondition(`${family.name} has no class-conditional variant, so no p(x|y): the data-efficiency template needs one (vae, pixelcnn, realnvp)`);
  }
  if ((dataset.numClasses ?? 0) < 2) {
    throw failedPrecondition(`dataset '${dataset.name}' has no labels of two or more classes: the data-efficiency template compares classifiers; import its labels`);
  }
  if (input.method !== 'grid') throw invalidArgument('method: the data-efficiency template is a grid sweep (SWEEP_METHOD_GRID or unspecified)');

  const base = { ...(parseJsonObject(input.baseConfigJson, 'base_config_json') as Record<string, unknown>) };
  if (base['conditional'] === false) throw invalidArgument('base_config_json.conditional: the data-efficiency template trains class-conditional models; leave it out or set it to true');
  if (LABELLED in base) throw invalidArgument(`base_config_json.${LABELLED}: the template sweeps it; give the sizes as a parameter instead`);

  const swept = input.parameters.find((p) => p.field === LABELLED);
  const sizes = swept ? swept.valuesJson.map((json) => Number(json)) : DATA_EFFICIENCY_SIZES.filter((size) => size <= dataset.trainCount);
  if (sizes.length === 0) {
    throw failedPrecondition(
      `dataset '${dataset.name}' has ${dataset.trainCount} training examples, fewer than the smallest default subset (${DATA_EFFICIENCY_SIZES[0]}): give labelledExamples values as a parameter`,
    );
  }
  const smallest = Math.min(...sizes.filter((size) => Number.isInteger(size) && size > 0));
  const defaults = parseConfig(family.name, {}) as { batchSize: number; maxSteps?: number };
  base['conditional'] = true;
  if (!('maxSteps' in base)) base['maxSteps'] = DATA_EFFICIENCY_STEPS;
  if (!('epochs' in base)) base['epochs'] = 100_000;
  if (!('batchSize' in base) && Number.isFinite(smallest)) base['batchSize'] = Math.min(defaults.batchSize, smallest);

  const parameters = swept
    ? input.parameters
    : [...input.parameters, { field: LABELLED, valuesJson: sizes.map(String), min: 0, max: 0, logScale: false, integer: false }];
  return {
    input: {
      ...input,
      baseConfigJson: JSON.stringify(base),
      parameters,
      seeds: input.seeds.length > 0 ? input.seeds : [...DATA_EFFICIENCY_SEEDS],
      name: input.name || `data efficiency: ${family.name} on ${dataset.name}`,
    },
    evaluateMetrics: ['generative_classifier'],
  };
}
