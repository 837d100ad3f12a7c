import { assertSeed, deriveSeed, tf } from '@genlab/compute';
import { failedPrecondition, invalidArgument } from '@genlab/errors';
import type { GenerativeModel } from '@genlab/models';
import { estimateLogLikelihood, type LikelihoodData } from '../evaluate-likelihood';
import { integerAtLeast } from '../validation';
import { rowBatches } from './row-batches';
import type { ClassLogLikelihoods, LikelihoodEstimator } from './generative-classifier';

/** What `classLogLikelihoods` needs from a model. */
export type ClassLikelihoodModel = Pick<GenerativeModel, 'family' | 'capabilities' | 'dataShape' | 'numClasses' | 'logProb' | 'elbo' | 'iwaeBound'>;

/** A class-conditional model (log p(x | y) for every y), or one unconditional model per class (model c gives log p(x | y = c)). */
export type ClassConditionalSource = ClassLikelihoodModel | readonly ClassLikelihoodModel[];

export type ClassEstimatorKind = 'exact' | 'elbo' | 'iwae';

export interface ClassLogLikelihoodOptions {
  /** Estimator of log p(x | y); default the best every model has: exact, else iwae, else elbo. */
  readonly estimator?: ClassEstimatorKind;
  /** Importance samples of the IWAE bound (default 100). */
  readonly k?: number;
  /** Examples per batch (default 100): one batch tensor and one class's estimate are alive at a time. */
  readonly batchSize?: number;
  /** Seed of the estimators' noise (default 0): same seed, same matrix. */
  readonly seed?: number;
  /** After each batch (every class done for it): examples done of the total. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called before every batch and class; throw (e.g. CANCELLED) to stop. */
  readonly throwIfCancelled?: () => void;
}

const ESTIMATOR_ORDER: readonly ClassEstimatorKind[] = ['exact', 'iwae', 'elbo'];
const SUPPORT: Record<ClassEstimatorKind, 'logProb' | 'elbo' | 'iwae'> = { exact: 'logProb', elbo: 'elbo', iwae: 'iwae' };

/**
 * The [n, C] matrix of log p(x | y) in nats for every example x of `data` and every class y,
 * for a generative classifier (`generativeClassification`). A class-conditional model is
 * evaluated with `options.labels` filled with each class in turn; a list of unconditional
 * models evaluates model c for class c. The data's own labels are not read.
 *
 * Batches of `batchSize` examples are evaluated class after class, each estimate read back and
 * disposed before the next (memory: one batch, its labels and the model's own intermediates; the
 * IWAE bound chunks its k samples itself). Every class of a batch uses the same noise seed
 * (common random numbers), so the differences between classes, which decide the prediction,
 * carry less Monte Carlo noise than the bounds themselves. The result names the estimator.
 *
 * FAILED_PRECONDITION for a model without a class-conditional likelihood: an implicit model
 * (no logProb, elbo or iwae, e.g. a GAN) or a single unconditional model, naming what it has;
 * and for an estimator some model lacks. INVALID_ARGUMENT for bad options or data whose example
 * size differs from the models'.
 */
export async function classLogLikelihoods(
  source: ClassConditionalSource,
  data: LikelihoodData,
  options: ClassLogLikelihoodOptions = {},
): Promise<ClassLogLikelihoods> {
  const k = integerAtLeast(options.k ?? 100, 1, 'k');
  const batchSize = integerAtLeast(options.batchSize ?? 100, 1, 'batchSize');
  const seed = options.seed ?? 0;
  assertSeed(seed);
  const models = classModels(source);
  const numClasses = models.perClass ? models.list.length : (models.list[0].numClasses as number);
  const kind = chooseEstimator(models.list, options.estimator);
  const dataShape = models.list[0].dataShape;
  const { count, batch } = rowBatches(data, dataShape);

  const values = new Float64Array(count * numClasses);
  for (let start = 0, index = 0; start < count; start += batchSize, index += 1) {
    const end = Math.min(start + batchSize, count);
    options.throwIfCancelled?.();
    const x = batch(start, end);
    try {
      for (let c = 0; c < numClasses; c += 1) {
        if (c > 0) options.throwIfCancelled?.();
        const model = models.perClass ? models.list[c] : models.list[0];
        const labels = models.perClass ? undefined : tf.fill([end - start], c, 'int32') as tf.Tensor1D;
        let bound: tf.Tensor1D | undefined;
        try {
          bound = estimateLogLikelihood(model, kind, x, k, deriveSeed(seed, kind, index), labels);
          const logLikelihoods = await bound.data();
          for (let i = 0; i < logLikelihoods.length; i += 1) values[(start + i) * numClasses + c] = logLikelihoods[i];
        } finally {
          bound?.dispose();
          labels?.dispose();
        }
      }
    } finally {
      x.dispose();
    }
    options.onProgress?.(end, count);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const estimator: LikelihoodEstimator = kind === 'iwae' ? `iwae-${k}` : kind;
  return { values, count, numClasses, estimator };
}

/** The true capability flags of a model, for messages. */
function capabilityList(model: ClassLikelihoodModel): string {
  const flags = Object.entries(model.capabilities)
    .filter(([, on]) => on)
    .map(([name]) => name);
  return `capabilities: ${flags.join(', ') || 'none'}`;
}

const hasLikelihood = (model: ClassLikelihoodModel): boolean => ESTIMATOR_ORDER.some((kind) => model.capabilities[SUPPORT[kind]]);

function classModels(source: ClassConditionalSource): { perClass: boolean; list: readonly ClassLikelihoodModel[] } {
  if (!isModelList(source)) {
    const model = source;
    if (!hasLikelihood(model)) {
      throw failedPrecondition(`this ${model.family} model is implicit (${capabilityList(model)}): it has no likelihood, so no p(x | y) to classify with`);
    }
    if (!model.capabilities.conditional) {
      throw failedPrecondition(
        `this ${model.family} model is unconditional (${capabilityList(model)}): it estimates log p(x), not log p(x | y); ` +
          'train it with conditional: true, or train one model per class',
      );
    }
    const classes = model.numClasses;
    if (classes === undefined || !Number.isInteger(classes) || classes < 2) {
      throw failedPrecondition(`this ${model.family} model is conditional but reports ${String(classes)} classes; it needs at least 2`);
    }
    return { perClass: false, list: [model] };
  }
  if (source.length < 2) throw invalidArgument(`models: one model per class needs at least 2 models, got ${source.length}`);
  const size = source[0].dataShape.reduce((a, d) => a * d, 1);
  source.forEach((model, c) => {
    if (!hasLikelihood(model)) {
      throw failedPrecondition(`model ${c} (${model.family}) is implicit (${capabilityList(model)}): it has no likelihood, so no p(x | y = ${c})`);
    }
    if (model.capabilities.conditional) {
      throw invalidArgument(`model ${c} (${model.family}) is class-conditional: pass it alone, not as one model per class`);
    }
    const modelSize = model.dataShape.reduce((a, d) => a * d, 1);
    if (modelSize !== size) throw invalidArgument(`model ${c} models examples of shape [${model.dataShape.join(', ')}], model 0 of [${source[0].dataShape.join(', ')}]`);
  });
  return { perClass: true, list: source };
}

function isModelList(source: ClassConditionalSource): source is readonly ClassLikelihoodModel[] {
  return Array.isArray(source);
}

function chooseEstimator(models: readonly ClassLikelihoodModel[], requested: ClassEstimatorKind | undefined): ClassEstimatorKind {
  const common = ESTIMATOR_ORDER.filter((kind) => models.every((model) => model.capabilities[SUPPORT[kind]]));
  if (requested === undefined) {
    if (common.length === 0) throw failedPrecondition('the models share no likelihood estimator (exact, iwae or elbo)');
    return common[0];
  }
  if (!ESTIMATOR_ORDER.includes(requested)) throw invalidArgument(`estimator: must be one of ${ESTIMATOR_ORDER.join(', ')}, got '${String(requested)}'`);
  if (!common.includes(requested)) {
    throw failedPrecondition(`the '${requested}' estimator is not available (${models.length > 1 ? 'every model supports' : 'the model supports'}: ${common.join(', ') || 'none'})`);
  }
  return requested;
}

