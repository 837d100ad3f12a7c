import { isValidSeed } from '@genlab/compute';
import { invalidArgument } from '@genlab/errors';
import type { ModelFactory } from '../model-factory';
import { tensorsByName } from '../serialization/model-bytes';
import { standardTrainingPlan } from '../training-plan';
import { vaeConfigSchema } from './vae.config';
import { assertVaeDatasetFits, prepareVaeDataset } from './vae.data';
import { VAE_CAPABILITIES, VaeModel, type VaeState } from './vae.model';

function parseState(state: Readonly<Record<string, unknown>>): VaeState {
  const { seed, step, trainRng, evalRng } = state;
  if (!isValidSeed(seed) || !isValidSeed(trainRng) || !isValidSeed(evalRng) || !Number.isSafeInteger(step) || (step as number) < 0) {
    throw invalidArgument('model bytes: vae state must hold seed, step, trainRng and evalRng as non-negative integers');
  }
  return { seed, step: step as number, trainRng, evalRng };
}

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
    const state = parseState(snapshot.state);
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
