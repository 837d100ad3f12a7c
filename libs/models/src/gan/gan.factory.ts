import { isValidSeed } from '@genlab/compute';
import { invalidArgument } from '@genlab/errors';
import type { ModelFactory } from '../model-factory';
import type { ModelSnapshot } from '../serialization/model-bytes';
import { tensorsByName } from '../serialization/model-bytes';
import { standardTrainingPlan } from '../training-plan';
import { dcganConfigSchema, wganGpConfigSchema, type DcganConfig, type WganGpConfig } from './gan.config';
import { assertGanDatasetFits, prepareGanDataset } from './gan.data';
import { GanModel, ganCapabilities, type GanFamily, type GanState } from './gan.model';

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function parseState(family: GanFamily, state: Readonly<Record<string, unknown>>): GanState {
  const { seed, numClasses, generatorSteps, discriminatorSteps, trainRng } = state;
  if (!isValidSeed(seed) || !isValidSeed(trainRng) || !isCount(numClasses) || !isCount(generatorSteps) || !isCount(discriminatorSteps)) {
    throw invalidArgument(
      `model bytes: ${family} state must hold seed, numClasses, generatorSteps, discriminatorSteps and trainRng as non-negative integers`,
    );
  }
  return { seed, numClasses, generatorSteps, discriminatorSteps, trainRng };
}

const restoreInit = (family: GanFamily, snapshot: ModelSnapshot) => {
  const state = parseState(family, snapshot.state);
  return { dataShape: snapshot.dataShape, seed: state.seed, saved: { state, tensors: tensorsByName(snapshot) } };
};

/** The family's capabilities: conditioning is available (config `conditional: true`); each model reports its own. */
const FAMILY_CAPABILITIES = ganCapabilities(true);

export const dcganFactory: ModelFactory<typeof dcganConfigSchema> = {
  family: 'dcgan',
  description:
    'DCGAN: generator and discriminator (conv for images in [0, 1], or MLP for any data, e.g. 2-D points) trained ' +
    'with the non-saturating loss; sampling only, optionally class-conditional.',
  density: 'implicit',
  configSchema: dcganConfigSchema,
  capabilities: FAMILY_CAPABILITIES,
  create: (config, { dataShape, seed, numClasses }) => new GanModel<DcganConfig>({ family: 'dcgan', config, dataShape, seed, numClasses }),
  restore: (snapshot) => new GanModel<DcganConfig>({ family: 'dcgan', config: snapshot.config, ...restoreInit('dcgan', snapshot) }),
  prepareDataset: prepareGanDataset,
  assertDatasetFits: (config, summary) => assertGanDatasetFits('dcgan', config, summary),
  trainingPlan: standardTrainingPlan,
};

export const wganGpFactory: ModelFactory<typeof wganGpConfigSchema> = {
  family: 'wgan-gp',
  description:
    'WGAN-GP: generator and critic (conv or MLP) trained on the Wasserstein loss with a gradient penalty and ' +
    'nCritic critic updates per generator update; sampling only, optionally class-conditional.',
  density: 'implicit',
  configSchema: wganGpConfigSchema,
  capabilities: FAMILY_CAPABILITIES,
  create: (config, { dataShape, seed, numClasses }) => new GanModel<WganGpConfig>({ family: 'wgan-gp', config, dataShape, seed, numClasses }),
  restore: (snapshot) => new GanModel<WganGpConfig>({ family: 'wgan-gp', config: snapshot.config, ...restoreInit('wgan-gp', snapshot) }),
  prepareDataset: prepareGanDataset,
  assertDatasetFits: (config, summary) => assertGanDatasetFits('wgan-gp', config, summary),
  trainingPlan: standardTrainingPlan,
};
