import type { ModelFactory } from '../model-factory';
import { tensorsByName } from '../serialization/model-bytes';
import { parseSeededTrainingState } from '../serialization/model-state';
import { standardTrainingPlan } from '../training-plan';
import { vaeConfigSchema } from './vae.config';
import { assertVaeDatasetFits, prepareVaeDataset } from './vae.data';
import { VAE_CAPABILITIES, VaeModel } from './vae.model';

export const vaeFactory: ModelFactory<typeof vaeConfigSchema> = {
  family: 'vae',
  description:
    'Variational autoencoder: MLP encoder and decoder, trained on the ELBO; Bernoulli likelihood for data in [0, 1] ' +
    '(binarised) or Gaussian with a learned variance for real-valued data.',
  density: 'explicit-approximate',
  configSchema: vaeConfigSchema,
  capabilities: VAE_CAPABILITIES,
  create: (config, { dataShape, seed }) => new VaeModel({ config, dataShape, seed }),
  restore: (snapshot) => {
    const state = parseSeededTrainingState('vae', snapshot.state);
    return new VaeModel({
      config: snapshot.config,
      dataShape: snapshot.dataShape,
      seed: state.seed,
      saved: { state, tensors: tensorsByName(snapshot) },
    });
  },
  prepareDataset: prepareVaeDataset,
  assertDatasetFits: assertVaeDatasetFits,
  trainingPlan: standardTrainingPlan,
};
