import type { ModelFactory } from '../model-factory';
import { tensorsByName } from '../serialization/model-bytes';
import { parseConditionalSeededTrainingState } from '../serialization/model-state';
import { standardTrainingPlan } from '../training-plan';
import { vaeConfigSchema } from './vae.config';
import { assertVaeDatasetFits, prepareVaeDataset } from './vae.data';
import { MAX_CLASSES } from '../conditioning/class-labels';
import { VAE_FAMILY_CAPABILITIES, VaeModel, type VaeState } from './vae.model';

/** The shared seeded state plus `numClasses` (absent in bytes saved before conditional VAEs: 0). */
const parseVaeState = (state: Readonly<Record<string, unknown>>): VaeState => parseConditionalSeededTrainingState('vae', state, MAX_CLASSES);

export const vaeFactory: ModelFactory<typeof vaeConfigSchema> = {
  family: 'vae',
  description:
    'Variational autoencoder: MLP or convolutional encoder and decoder, trained on the ELBO, optionally class-conditional; ' +
    'Bernoulli likelihood for data in [0, 1] (binarised) or Gaussian with a learned variance for real-valued data.',
  density: 'explicit-approximate',
  configSchema: vaeConfigSchema,
  capabilities: VAE_FAMILY_CAPABILITIES,
  create: (config, { dataShape, seed, numClasses }) => new VaeModel({ config, dataShape, seed, numClasses }),
  restore: (snapshot) => {
    const state = parseVaeState(snapshot.state);
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
