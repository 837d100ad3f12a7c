import { isValidSeed } from '@genlab/compute';
import { invalidArgument } from '@genlab/errors';
import type { ModelFactory } from '../model-factory';
import { tensorsByName } from '../serialization/model-bytes';
import { standardTrainingPlan } from '../training-plan';
import { madeConfigSchema } from './made.config';
import { assertMadeDatasetFits, prepareMadeDataset } from './made.data';
import { MADE_CAPABILITIES, MadeModel, type MadeState } from './made.model';

function parseState(state: Readonly<Record<string, unknown>>): MadeState {
  const { seed, step } = state;
  if (!isValidSeed(seed) || !Number.isSafeInteger(step) || (step as number) < 0) {
    throw invalidArgument('model bytes: made state must hold seed and step as non-negative integers');
  }
  return { seed, step: step as number };
}

export const madeFactory: ModelFactory<typeof madeConfigSchema> = {
  family: 'made',
  description:
    'MADE: masked autoencoder giving an exact autoregressive likelihood of binary data (statically binarised), ' +
    'with natural or random orderings and an optional ensemble of masks.',
  density: 'explicit-exact',
  configSchema: madeConfigSchema,
  capabilities: MADE_CAPABILITIES,
  create: (config, { dataShape, seed }) => new MadeModel({ config, dataShape, seed }),
  restore: (snapshot) => {
    const state = parseState(snapshot.state);
    return new MadeModel({ config: snapshot.config, dataShape: snapshot.dataShape, seed: state.seed, saved: { state, tensors: tensorsByName(snapshot) } });
  },
  prepareDataset: prepareMadeDataset,
  assertDatasetFits: assertMadeDatasetFits,
  trainingPlan: standardTrainingPlan,
};
