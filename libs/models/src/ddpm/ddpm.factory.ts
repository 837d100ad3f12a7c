import type { ModelFactory } from '../model-factory';
import { tensorsByName } from '../serialization/model-bytes';
import { parseSeededTrainingState } from '../serialization/model-state';
import { standardTrainingPlan } from '../training-plan';
import { ddpmConfigSchema } from './ddpm.config';
import { assertDdpmDatasetFits, prepareDdpmDataset } from './ddpm.data';
import { DDPM_CAPABILITIES, DdpmModel } from './ddpm.model';

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
    const state = parseSeededTrainingState('ddpm', snapshot.state);
    return new DdpmModel({ config: snapshot.config, dataShape: snapshot.dataShape, seed: state.seed, saved: { state, tensors: tensorsByName(snapshot) } });
  },
  prepareDataset: prepareDdpmDataset,
  assertDatasetFits: assertDdpmDatasetFits,
  trainingPlan: standardTrainingPlan,
};
