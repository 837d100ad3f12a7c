import type { ModelFactory } from '../model-factory';
import { tensorsByName } from '../serialization/model-bytes';
import { MAX_CLASSES } from '../conditioning/class-labels';
import { parseConditionalSeededTrainingState } from '../serialization/model-state';
import { standardTrainingPlan } from '../training-plan';
import { realNvpConfigSchema } from './realnvp.config';
import { assertRealNvpDatasetFits, prepareRealNvpDataset } from './realnvp.data';
import { REALNVP_FAMILY_CAPABILITIES, RealNvpModel } from './realnvp.model';

export const realNvpFactory: ModelFactory<typeof realNvpConfigSchema> = {
  family: 'realnvp',
  description:
    'RealNVP normalizing flow: affine coupling layers with a standard normal base; exact log-likelihood, invertible ' +
    '(encode/decode), for real-valued data or 8-bit images (uniform dequantization and logit transform); optionally ' +
    'class-conditional (exact log p(x | y)).',
  density: 'explicit-exact',
  configSchema: realNvpConfigSchema,
  /** Conditioning is available (config `conditional: true`); each model reports its own. */
  capabilities: REALNVP_FAMILY_CAPABILITIES,
  create: (config, { dataShape, seed, numClasses }) => new RealNvpModel({ config, dataShape, seed, numClasses }),
  restore: (snapshot) => {
    const state = parseConditionalSeededTrainingState('realnvp', snapshot.state, MAX_CLASSES);
    return new RealNvpModel({ config: snapshot.config, dataShape: snapshot.dataShape, seed: state.seed, saved: { state, tensors: tensorsByName(snapshot) } });
  },
  prepareDataset: prepareRealNvpDataset,
  assertDatasetFits: assertRealNvpDatasetFits,
  trainingPlan: standardTrainingPlan,
};
