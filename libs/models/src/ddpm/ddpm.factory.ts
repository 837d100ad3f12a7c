import { isValidSeed } from '@genlab/compute';
import { invalidArgument } from '@genlab/errors';
import type { ModelFactory } from '../model-factory';
import { tensorsByName } from '../serialization/model-bytes';
import { standardTrainingPlan } from '../training-plan';
import { ddpmConfigSchema } from './ddpm.config';
import { assertDdpmDatasetFits, prepareDdpmDataset } from './ddpm.data';
import { DDPM_CAPABILITIES, DdpmModel, type DdpmState } from './ddpm.model';

function parseState(state: Readonly<Record<string, unknown>>): DdpmState {
  const { seed, step, trainRng, evalRng } = state;
  if (!isValidSeed(seed) || !isValidSeed(trainRng) || !isValidSeed(evalRng) || !Number.isSafeInteger(step) || (step as number) < 0) {
    throw invalidArgument('model bytes: ddpm state must hold seed, step, trainRng and evalRng as non-negative integers');
  }
  return { seed, step: step as number, trainRng, evalRng };
}

export const ddpmFactory: ModelFactory<typeof ddpmConfigSchema> = {
  family: 'ddpm',
  description:
    'Denoising diffusion (Ho et al.): ε-prediction with a linear or cosine schedule, an MLP denoiser for vector data or a ' +
    'small U-Net for images; ancestral sampling and the variational bound.',
  density: 'explicit-approximate',
  configSchema: ddpmConfigSchema,
  capabilities: DDPM_CAPABILITIES,
  create: (config, { dataShape, seed }) => new DdpmModel({ config, dataShape, seed }),
  restore: (snapshot) => {
    const state = parseState(snapshot.state);
    return new DdpmModel({ config: snapshot.config, dataShape: snapshot.dataShape, seed: state.seed, saved: { state, tensors: tensorsByName(snapshot) } });
  },
  prepareDataset: prepareDdpmDataset,
  assertDatasetFits: assertDdpmDatasetFits,
  trainingPlan: standardTrainingPlan,
};
