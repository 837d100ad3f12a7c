import { assertSeed, requireCompute } from '@genlab/compute';
import { takeLabelledSubset, type TensorDataset } from '@genlab/data';
import { invalidArgument } from '@genlab/errors';
import { z } from 'zod';
import { parseWithSchema } from './config-validation';
import { assertDataShape } from './data-shape';
import { assertDatasetSummary, assertLabelsForConditioning, assertLabelledSubsetFits, labelledExamplesOf, type DatasetSummary } from './dataset-summary';
import type { CreateModelOptions, GenerativeModel, ModelCapabilities } from './generative-model';
import type { DensityKind, ModelFactory } from './model-factory';
import { MODEL_FAMILIES, isModelFamily, type ModelFamily } from './model-family';
import { OPTIMIZER_RECORD_PREFIX } from './optim/adam';
import { decodeModelBytes, tensorsByName } from './serialization/model-bytes';
import type { TrainingPlan } from './training-plan';
import { vaeFactory } from './vae/vae.factory';
import { madeFactory } from './made/made.factory';
import { realNvpFactory } from './realnvp/realnvp.factory';
import { ddpmFactory } from './ddpm/ddpm.factory';
import { pixelCnnFactory } from './pixelcnn/pixelcnn.factory';
import { dcganFactory, wganGpFactory } from './gan/gan.factory';

/** Every family's factory; a new family must be added here (the type makes it exhaustive). */
const MODEL_FACTORIES = {
  vae: vaeFactory,
  made: madeFactory,
  realnvp: realNvpFactory,
  ddpm: ddpmFactory,
  dcgan: dcganFactory,
  'wgan-gp': wganGpFactory,
  pixelcnn: pixelCnnFactory,
} satisfies Record<ModelFamily, ModelFactory>;

type Factories = typeof MODEL_FACTORIES;
type SchemaOf<F extends ModelFamily> = Factories[F]['configSchema'];
/** A family's validated config (defaults filled in). */
export type ModelConfig<F extends ModelFamily> = z.output<SchemaOf<F>>;
/** What callers may pass as a family's config (fields with defaults optional). */
export type ModelConfigInput<F extends ModelFamily> = z.input<SchemaOf<F>>;

/** The family name if known; INVALID_ARGUMENT listing the known families otherwise. */
export function parseModelFamily(name: unknown): ModelFamily {
  if (typeof name === 'string' && isModelFamily(name)) return name;
  throw invalidArgument(`unknown model family '${String(name)}'; known families: ${MODEL_FAMILIES.join(', ')}`, {
    family: name,
    knownFamilies: [...MODEL_FAMILIES],
  });
}

const factoryOf = <F extends ModelFamily>(family: F): ModelFactory<SchemaOf<F>> =>
  MODEL_FACTORIES[parseModelFamily(family) as F] as ModelFactory<SchemaOf<F>>;

/**
 * Validates a family's config (an object or a JSON string), filling in defaults; throws
 * INVALID_ARGUMENT naming each offending field ("config.latentDim: must be a positive integer").
 */
export function parseConfig<F extends ModelFamily>(family: F, json: unknown): ModelConfig<F>;
export function parseConfig(family: string, json: unknown): ModelConfig<ModelFamily>;
export function parseConfig(family: string, json: unknown): ModelConfig<ModelFamily> {
  const known = parseModelFamily(family);
  return parseWithSchema(factoryOf(known).configSchema, json, known);
}

/**
 * A fresh model of `family`; the config is validated (and completed) first, so an untyped
 * family name and JSON config are accepted too. Requires `initCompute()`.
 */
export function createModel<F extends ModelFamily>(family: F, config: ModelConfigInput<F>, options: CreateModelOptions): GenerativeModel<ModelConfig<F>>;
export function createModel(family: string, config: unknown, options: CreateModelOptions): GenerativeModel;
export function createModel(family: string, config: unknown, options: CreateModelOptions): GenerativeModel {
  const known = parseModelFamily(family);
  const factory = factoryOf(known);
  const parsed = parseWithSchema(factory.configSchema, config, known);
  assertDataShape(options.dataShape);
  assertSeed(options.seed);
  requireCompute();
  return factory.create(parsed, { dataShape: [...options.dataShape], seed: options.seed, numClasses: options.numClasses });
}

/** Rebuilds any model from `save()` bytes: family, config, weights, optimiser and RNG state. */
export async function loadModel(bytes: Uint8Array): Promise<GenerativeModel> {
  const snapshot = decodeModelBytes(bytes);
  const family = parseModelFamily(snapshot.family);
  const factory = factoryOf(family);
  const config = parseWithSchema(factory.configSchema, snapshot.config, family);
  assertDataShape(snapshot.dataShape);
  requireCompute();
  return factory.restore({ ...snapshot, config });
}

/**
 * Gives `model` the parameters `bytes` hold if they are a checkpoint of a model like it (the
 * same family, config, data shape, classes and run seed) and it can take them
 * (`setParameters`), and says whether it did; `false` leaves the model as it was (load the
 * bytes with `loadModel` then). Only the parameters are read from the bytes, after their
 * checksum: the optimiser's moments are neither copied nor rebuilt, and the model's own
 * optimiser, step count and RNG state stay those it had. For scoring a run's successive
 * checkpoints on one model: given a seed, its estimators then give what the checkpoint's
 * model loaded alone would.
 */
export function loadParametersInto(model: GenerativeModel, bytes: Uint8Array): boolean {
  if (typeof model.setParameters !== 'function') return false;
  const snapshot = decodeModelBytes(bytes, { tensors: (name) => !name.startsWith(OPTIMIZER_RECORD_PREFIX) });
  const classes = (state: Readonly<Record<string, unknown>>) => (typeof state['numClasses'] === 'number' ? state['numClasses'] : 0);
  const alike =
    snapshot.family === model.family &&
    JSON.stringify(snapshot.config) === JSON.stringify(model.config) &&
    snapshot.dataShape.length === model.dataShape.length &&
    snapshot.dataShape.every((d, i) => d === model.dataShape[i]) &&
    classes(snapshot.state) === (model.numClasses ?? 0) &&
    snapshot.state['seed'] === model.seed;
  if (!alike) return false;
  model.setParameters(tensorsByName(snapshot));
  return true;
}

/**
 * What a `family` model with `config` trains and is evaluated on, from a dataset as stored
 * (a VAE with a Bernoulli likelihood binarises it). Every service that feeds data to a model
 * goes through here, so training and evaluation see the same data.
 */
export function prepareDataset(family: string, config: unknown, data: TensorDataset): TensorDataset {
  const known = parseModelFamily(family);
  const factory = factoryOf(known);
  assertDataShape(data.shape);
  return factory.prepareDataset(parseWithSchema(factory.configSchema, config, known), data);
}

/**
 * Throws INVALID_ARGUMENT, naming the problem and what to change, unless a `family` model
 * with `config` can train on the summarised dataset: the summary is well formed, the
 * training split fills at least one batch, and the family's own rules hold. Call it before
 * a run is queued.
 */
export function assertDatasetFits(family: string, config: unknown, dataset: DatasetSummary): void {
  const known = parseModelFamily(family);
  const factory = factoryOf(known);
  const parsed = parseWithSchema(factory.configSchema, config, known);
  assertDatasetSummary(dataset);
  assertLabelsForConditioning(known, parsed, dataset);
  assertLabelledSubsetFits(parsed, dataset);
  factory.trainingPlan(parsed, trainingExampleCount(parsed, dataset.trainCount));
  factory.assertDatasetFits(parsed, dataset);
}

/**
 * Batch size, step counts and logging/checkpoint intervals of a run on a training split of
 * `trainCount` examples (of which it trains on `labelledExamples`, when the config sets it).
 */
export function trainingPlan(family: string, config: unknown, trainCount: number): TrainingPlan {
  const known = parseModelFamily(family);
  const factory = factoryOf(known);
  const parsed = parseWithSchema(factory.configSchema, config, known);
  return factory.trainingPlan(parsed, trainingExampleCount(parsed, trainCount));
}

/**
 * The examples a run of `family` with `config` trains on, from the training split as stored:
 * all of them, or the labelled subset of `labelledExamples` the run's `seed` picks. Training
 * and the evaluation's discriminative baseline both go through here.
 */
export function trainingExamples(family: string, config: unknown, train: TensorDataset, seed: number): TensorDataset {
  const known = parseModelFamily(family);
  const labelled = labelledExamplesOf(parseWithSchema(factoryOf(known).configSchema, config, known));
  return labelled === undefined ? train : takeLabelledSubset(train, labelled, seed);
}

const trainingExampleCount = (config: unknown, trainCount: number): number => Math.min(labelledExamplesOf(config) ?? trainCount, trainCount);

/** A family's config as JSON Schema (input side: fields with defaults are optional), for forms. */
export const modelConfigJsonSchema = (family: ModelFamily): Record<string, unknown> =>
  z.toJSONSchema(factoryOf(family).configSchema, { io: 'input' }) as Record<string, unknown>;

export interface FamilyDescriptor {
  readonly name: ModelFamily;
  readonly description: string;
  readonly density: DensityKind;
  readonly capabilities: ModelCapabilities;
  /** `modelConfigJsonSchema(name)` */
  readonly configSchema: Record<string, unknown>;
}

/** One family's name, description, density kind, capabilities and config schema; INVALID_ARGUMENT if unknown. */
export function familyInfo(family: string): FamilyDescriptor {
  const name = parseModelFamily(family);
  const factory = factoryOf(name);
  return {
    name,
    description: factory.description,
    density: factory.density,
    capabilities: factory.capabilities,
    configSchema: modelConfigJsonSchema(name),
  };
}

/** Every family with what a client needs to offer it (name, capabilities, config form). */
export const listFamilies = (): FamilyDescriptor[] => MODEL_FAMILIES.map(familyInfo);
