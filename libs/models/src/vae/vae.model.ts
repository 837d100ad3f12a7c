import { SeededRng, assertSeed, deriveSeed, tf } from '@genlab/compute';
import { failedPrecondition, invalidArgument } from '@genlab/errors';
import { assertPositiveInteger, toBatchMatrix, toDataShape } from '../data-shape';
import type { EstimatorOptions, GenerativeModel, IwaeOptions, ModelCapabilities, SampleOptions } from '../generative-model';
import { exportConvDecoder, exportMlp, type ExportedTfjsModel } from '../export/tfjs-layers.export';
import { ParameterSet } from '../nn/parameter-set';
import { Adam } from '../optim/adam';
import type { SeededTrainingState } from '../serialization/model-state';
import { encodeModelBytes, type TensorRecord } from '../serialization/model-bytes';
import type { VaeConfig } from './vae.config';
import { assertVaeDataShape } from './vae.data';
import { labelsOneHot, resolveNumClasses, sampleLabels } from '../conditioning/class-labels';
import { createVaeNetwork, decodeMean, encodeGaussian, type VaeNetwork } from './vae.network';
import { elboPerExample, iwaeBoundPerExample, negativeElboLoss, vaeBatch, type VaeBatch } from './vae.objectives';

/**
 * What a VAE can do. An unconditional one encodes and decodes; a conditional one does not
 * offer `encode`/`decode`, whose label-free signatures cannot say which class q(z | x, y) and
 * p(x | z, y) are for (so no interpolation or decoder export either).
 */
export const vaeCapabilities = (conditional: boolean): ModelCapabilities =>
  Object.freeze({ sample: true, logProb: false, elbo: true, iwae: true, encode: !conditional, decode: !conditional, conditional });

/** What the family offers: every flag some VAE config gives (each model reports its own). */
export const VAE_FAMILY_CAPABILITIES: ModelCapabilities = Object.freeze({ ...vaeCapabilities(false), conditional: true });

const DEFAULT_MAX_CHUNK_ELEMENTS = 1 << 21;
const MAX_SAMPLES = 1 << 20;
const MAX_IMPORTANCE_SAMPLES = 1 << 20;

/** Scalars saved with the model besides its config and tensors. */
export interface VaeState extends SeededTrainingState {
  /** Classes of a conditional model (0 if unconditional). */
  readonly numClasses: number;
}

export interface VaeInit {
  readonly config: VaeConfig;
  readonly dataShape: readonly number[];
  readonly seed: number;
  /** Classes of the training labels: required (≥ 2) when `config.conditional`. */
  readonly numClasses?: number;
  /** When restoring: saved state and tensors (parameters and optimiser moments). */
  readonly saved?: { readonly state: VaeState; readonly tensors: ReadonlyMap<string, TensorRecord> };
}

/**
 * A variational autoencoder with MLP or conv networks and a Bernoulli or Gaussian likelihood,
 * optionally class-conditional; see `vaeConfigSchema`. A Gaussian model's decoder
 * log-variance is one of its parameters (`decoder.logVar`).
 *
 * A conditional model (a CVAE) needs labels wherever the data enters: `trainStep(batch,
 * labels)`, and `options.labels` of `elbo` and `iwaeBound`, which then bound log p(x | y).
 * `sample` takes `options.labels`, or draws the classes uniformly from the sampling seed.
 */
export class VaeModel implements GenerativeModel<VaeConfig> {
  readonly family = 'vae' as const;
  readonly capabilities: ModelCapabilities;
  readonly config: VaeConfig;
  readonly dataShape: readonly number[];
  readonly latentDim: number;
  readonly numClasses: number;
  /** The posterior mean of q(z | x), `[n, latentDim]` (unconditional models only). */
  readonly encode?: (x: tf.Tensor) => tf.Tensor2D;
  /** The decoder mean E[x | z] for codes `[n, latentDim]`, `[n, ...dataShape]` (unconditional models only). */
  readonly decode?: (z: tf.Tensor) => tf.Tensor;
  /** `decode` as a tfjs layers model (unconditional models, MLP or conv). */
  readonly exportDecoder?: () => Promise<ExportedTfjsModel>;
  readonly seed: number;
  private readonly params: ParameterSet;
  private readonly net: VaeNetwork;
  private readonly optimizer: Adam;
  /** Reparameterisation noise for training steps. */
  private readonly trainRng: SeededRng;
  /** Noise for estimators called without a seed; separate, so evaluating never changes training. */
  private readonly evalRng: SeededRng;
  private disposed = false;

  constructor({ config, dataShape, seed, numClasses, saved }: VaeInit) {
    assertVaeDataShape(config, dataShape);
    this.config = config;
    this.dataShape = Object.freeze([...dataShape]);
    this.latentDim = config.latentDim;
    this.numClasses = resolveNumClasses('vae', config.conditional, saved ? saved.state.numClasses : numClasses);
    this.capabilities = vaeCapabilities(this.numClasses > 0);
    this.seed = seed;
    this.params = new ParameterSet(saved?.tensors);
    let optimizer: Adam | undefined;
    try {
      this.net = createVaeNetwork(this.params, { config, dataShape, numClasses: this.numClasses }, deriveSeed(seed, 'init'));
      optimizer = new Adam(this.params, { learningRate: config.learningRate });
      if (saved) optimizer.restore({ step: saved.state.step }, saved.tensors);
    } catch (error) {
      this.params.dispose(); // a half-built model must not leak variables
      optimizer?.dispose();
      throw error;
    }
    this.optimizer = optimizer;
    this.trainRng = new SeededRng(saved?.state.trainRng ?? deriveSeed(seed, 'train-noise'));
    this.evalRng = new SeededRng(saved?.state.evalRng ?? deriveSeed(seed, 'eval-noise'));
    if (this.numClasses === 0) {
      this.encode = (x) => this.posteriorMean(x);
      this.decode = (z) => this.decoderMean(z);
      this.exportDecoder = () => this.exportDecoderModel();
    }
  }

  get stepCount(): number {
    return this.optimizer.stepCount;
  }

  /** Number of trainable scalars. */
  get parameterCount(): number {
    return this.params.size;
  }

  /**
   * The decoder mean E[x | z] (E[x | z, y] if conditional) for `n` codes z ~ N(0, I) drawn
   * from `seed`: Bernoulli probabilities, or the Gaussian mean μ(z). Returning the mean rather
   * than a draw from p(x | z) is deliberate: for a Gaussian the learned σ is one noise level
   * per dimension shared by every z, so adding it only blurs the picture of what the model
   * learned (and the Bernoulli case shows probabilities for the same reason). A caller wanting
   * draws adds the noise itself.
   *
   * A conditional model decodes sample i for class `options.labels[i]`; without labels it
   * draws the classes uniformly, from `seed` too. The codes depend on `seed` alone, so the
   * same seed with other labels shows the same codes (the same "style") in other classes.
   * An unconditional model ignores labels.
   */
  sample(n: number, seed: number, options: SampleOptions = {}): tf.Tensor {
    this.assertLive();
    assertPositiveInteger(n, 'n', MAX_SAMPLES);
    assertSeed(seed);
    const labels = this.numClasses > 0 ? sampleLabels(n, seed, this.numClasses, options.labels) : undefined;
    return tf.tidy(() => {
      const z = tf.randomNormal([n, this.latentDim], 0, 1, 'float32', seed) as tf.Tensor2D;
      const oneHot = labels ? (tf.oneHot(tf.tensor1d(labels, 'int32'), this.numClasses).toFloat() as tf.Tensor2D) : undefined;
      return toDataShape(decodeMean(this.net, z, oneHot), this.dataShape);
    });
  }

  /**
   * One Adam step on the negative β-ELBO of `batch`. A conditional model needs `labels`
   * (int32 `[n]`, classes in [0, numClasses)); an unconditional one ignores them.
   */
  trainStep(batch: tf.Tensor, labels?: tf.Tensor1D): tf.Scalar {
    this.assertLive();
    return tf.tidy(() => {
      const data = this.batchOf(batch, labels, 'trainStep', 'batch'); // validates before any state changes
      const noiseSeed = this.trainRng.nextSeed();
      const variables = this.params.variables;
      const { value, grads } = tf.variableGrads(() => negativeElboLoss(this.net, data, noiseSeed, this.config.beta), variables);
      this.optimizer.apply(variables.map((v) => grads[v.name]));
      return value;
    });
  }

  /** Per-example ELBO in nats, a bound on log p(x) (on log p(x | y), given `options.labels`, if conditional). */
  elbo(x: tf.Tensor, options: EstimatorOptions = {}): tf.Tensor1D {
    this.assertLive();
    return tf.tidy(() => {
      const data = this.batchOf(x, options.labels, 'elbo', 'x');
      return elboPerExample(this.net, data, this.estimatorSeed(options));
    });
  }

  /** Per-example IWAE-k bound in nats on log p(x) (on log p(x | y), given `options.labels`, if conditional). */
  iwaeBound(x: tf.Tensor, k: number, options: IwaeOptions = {}): tf.Tensor1D {
    this.assertLive();
    assertPositiveInteger(k, 'k', MAX_IMPORTANCE_SAMPLES);
    const maxElements = options.maxChunkElements ?? DEFAULT_MAX_CHUNK_ELEMENTS;
    assertPositiveInteger(maxElements, 'maxChunkElements');
    return tf.tidy(() => {
      const data = this.batchOf(x, options.labels, 'iwaeBound', 'x');
      const seed = this.estimatorSeed(options);
      const chunk = Math.max(1, Math.floor(maxElements / (data.x.shape[0] * this.net.widestLayer)));
      return iwaeBoundPerExample(this.net, data, k, seed, Math.min(chunk, k));
    });
  }

  setParameters(saved: ReadonlyMap<string, TensorRecord>): void {
    this.assertLive();
    this.params.assign(saved);
  }

  async save(): Promise<Uint8Array> {
    this.assertLive();
    const state: VaeState = {
      seed: this.seed,
      step: this.optimizer.stepCount,
      trainRng: this.trainRng.getState(),
      evalRng: this.evalRng.getState(),
      numClasses: this.numClasses,
    };
    // Both reads are issued before the first await: the snapshot is of one instant.
    const [params, moments] = await Promise.all([this.params.toRecords(), this.optimizer.toRecords()]);
    return encodeModelBytes({ family: this.family, config: this.config, dataShape: this.dataShape, state: { ...state }, tensors: [...params, ...moments] });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.params.dispose();
    this.optimizer.dispose();
  }

  private posteriorMean(x: tf.Tensor): tf.Tensor2D {
    this.assertLive();
    return tf.tidy(() => encodeGaussian(this.net, toBatchMatrix(x, this.dataShape, 'x')).mean);
  }

  private decoderMean(z: tf.Tensor): tf.Tensor {
    this.assertLive();
    if (z.rank !== 2 || z.shape[1] !== this.latentDim || z.shape[0] === 0) {
      throw invalidArgument(`z: expected shape [n, ${this.latentDim}] with n ≥ 1, got [${z.shape.join(', ')}]`, { shape: z.shape });
    }
    return tf.tidy(() => toDataShape(decodeMean(this.net, z.toFloat() as tf.Tensor2D, undefined), this.dataShape));
  }

  /** The decoder mean E[x | z] as a tfjs layers model (either architecture): the same function as `decode`. */
  private exportDecoderModel(): Promise<ExportedTfjsModel> {
    this.assertLive();
    const activation = this.net.likelihood.kind === 'bernoulli' ? 'sigmoid' : 'linear';
    const net = this.net;
    return net.architecture === 'conv'
      ? exportConvDecoder(net.decoderLayers, activation, this.dataShape as [number, number, number])
      : exportMlp(net.decoderLayers, activation, this.dataShape);
  }

  /** Data `[n, D]` with its one-hot labels (conditional models) and the encoder input; validates both. */
  private batchOf(x: tf.Tensor, labels: tf.Tensor1D | undefined, method: string, what: string): VaeBatch {
    const m = toBatchMatrix(x, this.dataShape, what);
    return vaeBatch(m, this.numClasses > 0 ? labelsOneHot('vae', labels, m.shape[0], this.numClasses) : undefined);
  }

  private estimatorSeed(options: EstimatorOptions): number {
    if (options.seed === undefined) return this.evalRng.nextSeed();
    assertSeed(options.seed, 'seed');
    return options.seed;
  }

  private assertLive(): void {
    if (this.disposed) throw failedPrecondition('this vae model has been disposed');
  }
}
