import { isValidSeed } from '@genlab/compute';
import { invalidArgument } from '@genlab/errors';
import type { ModelFactory } from '../model-factory';
import { tensorsByName } from '../serialization/model-bytes';
import { standardTrainingPlan } from '../training-plan';
import { realNvpConfigSchema } from './realnvp.config';
import { assertRealNvpDatasetFits, prepareRealNvpDataset } from './realnvp.data';
import { REALNVP_CAPABILITIES, RealNvpModel, type RealNvpState } from './realnvp.model';

function parseState(state: Readonly<Record<string, unknown>>): RealNvpState {
  const { seed, step, trainRng, evalRng } = state;
  if (!isValidSeed(seed) || !isValidSeed(trainRng) || !isValidSeed(evalRng) || !Number.isSafeInteger(step) || (step as number) < 0) {
    throw invalidArgument('model bytes: realnvp state must hold seed, step, trainRng and evalRng as non-negative integers');
  }
  return { seed, step: step as number, trainRng, evalRng };
}

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
    const state = parseState(snapshot.state);
    return new RealNvpModel({ config: snapshot.config, dataShape: snapshot.dataShape, seed: state.seed, saved: { state, tensors: tensorsByName(snapshot) } });
  },
  prepareDataset: prepareRealNvpDataset,
  assertDatasetFits: assertRealNvpDatasetFits,
  trainingPlan: standardTrainingPlan,
};
