import type { ModelFactory } from '../model-factory';
import { tensorsByName } from '../serialization/model-bytes';
import { parseSeededTrainingState } from '../serialization/model-state';
import { standardTrainingPlan } from '../training-plan';
import { realNvpConfigSchema } from './realnvp.config';
import { assertRealNvpDatasetFits, prepareRealNvpDataset } from './realnvp.data';
import { REALNVP_CAPABILITIES, RealNvpModel } from './realnvp.model';

export const realNvpFactory: ModelFactory<typeof realNvpConfigSchema> = {
  family: 'realnvp',
  description:
    'RealNVP normalizing flow: affine coupling layers with a standard normal base; exact log-likelihood, invertible ' +
    '(encode/decode), for real-valued data or 8-bit images (uniform dequantization and logit transform).',
  density: 'explicit-exact',
  configSchema: realNvpConfigSchema,
  capabilities: REALNVP_CAPABILITIES,
  create: (config, { dataShape, seed }) => new RealNvpModel({ config, dataShape, seed }),
  restore: (snapshot) => {
    const state = parseSeededTrainingState('realnvp', snapshot.state);
    return new RealNvpModel({ config: snapshot.config, dataShape: snapshot.dataShape, seed: state.seed, saved: { state, tensors: tensorsByName(snapshot) } });
  },
  prepareDataset: prepareRealNvpDataset,
  assertDatasetFits: assertRealNvpDatasetFits,
  trainingPlan: standardTrainingPlan,
};
