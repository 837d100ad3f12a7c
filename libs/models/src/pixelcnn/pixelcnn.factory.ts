import { isValidSeed } from '@genlab/compute';
import { invalidArgument } from '@genlab/errors';
import type { ModelFactory } from '../model-factory';
import { tensorsByName } from '../serialization/model-bytes';
import { standardTrainingPlan } from '../training-plan';
import { pixelCnnConfigSchema } from './pixelcnn.config';
import { assertPixelCnnDatasetFits, preparePixelCnnDataset } from './pixelcnn.data';
import { MAX_CLASSES, PixelCnnModel, pixelCnnCapabilities, type PixelCnnState } from './pixelcnn.model';

function parseState(state: Readonly<Record<string, unknown>>): PixelCnnState {
  const { seed, step, numClasses } = state;
  const classesOk = numClasses === 0 || (Number.isInteger(numClasses) && (numClasses as number) >= 2 && (numClasses as number) <= MAX_CLASSES);
  if (!isValidSeed(seed) || !Number.isSafeInteger(step) || (step as number) < 0 || !classesOk) {
    throw invalidArgument('model bytes: pixelcnn state must hold seed and step as non-negative integers, and numClasses (0 or 2 … 1000)');
  }
  return { seed, step: step as number, numClasses: numClasses as number };
}

export const pixelCnnFactory: ModelFactory<typeof pixelCnnConfigSchema> = {
  family: 'pixelcnn',
  description:
    'PixelCNN: masked convolutions (type A, then B) giving one Bernoulli logit per pixel of binarised images; exact ' +
    'log-likelihood, pixel-by-pixel sampling, optionally class-conditional.',
  density: 'explicit-exact',
  configSchema: pixelCnnConfigSchema,
  /** Conditioning is available (config `conditional: true`); each model reports its own. */
  capabilities: pixelCnnCapabilities(true),
  create: (config, { dataShape, seed, numClasses }) => new PixelCnnModel({ config, dataShape, seed, numClasses }),
  restore: (snapshot) => {
    const state = parseState(snapshot.state);
    return new PixelCnnModel({ config: snapshot.config, dataShape: snapshot.dataShape, seed: state.seed, saved: { state, tensors: tensorsByName(snapshot) } });
  },
  prepareDataset: preparePixelCnnDataset,
  assertDatasetFits: assertPixelCnnDatasetFits,
  trainingPlan: standardTrainingPlan,
};
