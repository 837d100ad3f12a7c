import { SeededRng, assertSeed, deriveSeed, tf } from '@genlab/compute';
import { failedPrecondition, invalidArgument } from '@genlab/errors';
import { assertPositiveInteger, dataSize, toBatchMatrix, toDataShape } from '../data-shape';
import type { EstimatorOptions, GenerativeModel, IwaeOptions, ModelCapabilities } from '../generative-model';
import { exportMlp, type ExportedTfjsModel } from '../export/tfjs-layers.export';
import { ParameterSet } from '../nn/parameter-set';
import { Adam } from '../optim/adam';
import type { SeededTrainingState } from '../serialization/model-state';
import { encodeModelBytes, type TensorRecord } from '../serialization/model-bytes';
import type { VaeConfig } from './vae.config';
import { createVaeNetwork, decodeMean, encodeGaussian, type VaeNetwork } from './vae.network';
import { elboPerExample, iwaeBoundPerExample, negativeElboLoss } from './vae.objectives';

export const VAE_CAPABILITIES: ModelCapabilities = Object.freeze({
  sample: true,
  logProb: false,
  elbo: true,
  iwae: true,
  encode: true,
  decode: true,
  conditional: false,
});

const DEFAULT_MAX_CHUNK_ELEMENTS = 1 << 21;
const MAX_SAMPLES = 1 << 20;
const MAX_IMPORTANCE_SAMPLES = 1 << 20;

/** Scalars saved with the model besides its config and tensors. */
export type VaeState = SeededTrainingState;

export interface VaeInit {
  readonly config: VaeConfig;
  readonly dataShape: readonly number[];
  readonly seed: number;
  /** When restoring: saved state and tensors (parameters and optimiser moments). */
  readonly saved?: { readonly state: VaeState; readonly tensors: ReadonlyMap<string, TensorRecord> };
}

/**
 * A variational autoencoder with a Bernoulli or Gaussian likelihood; see `vaeConfigSchema`.
 * A Gaussian model's decoder log-variance is one of its parameters (`decoder.logVar`).
 */
export class VaeModel implements GenerativeModel<VaeConfig> {
  readonly family = 'vae' as const;
  readonly capabilities = VAE_CAPABILITIES;
  readonly config: VaeConfig;
  readonly dataShape: readonly number[];
  readonly latentDim: number;
  private readonly seed: number;
  private readonly params: ParameterSet;
  private readonly net: VaeNetwork;
  private readonly optimizer: Adam;
  /** Reparameterisation noise for training steps. */
  private readonly trainRng: SeededRng;
  /** Noise for estimators called without a seed; separate, so evaluating never changes training. */
  private readonly evalRng: SeededRng;
  private disposed = false;

  constructor({ config, dataShape, seed, saved }: VaeInit) {
    this.config = config;
    this.dataShape = Object.freeze([...dataShape]);
    this.latentDim = config.latentDim;
    this.seed = seed;
    this.params = new ParameterSet(saved?.tensors);
    let optimizer: Adam | undefined;
    try {
      this.net = createVaeNetwork(this.params, config, dataSize(dataShape), deriveSeed(seed, 'init'));
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
  }

  get stepCount(): number {
    return this.optimizer.stepCount;
  }

  /** Number of trainable scalars. */
  get parameterCount(): number {
    return this.params.size;
  }

  /**
   * The decoder mean E[x | z] for `n` codes z ~ N(0, I) drawn from `seed`: Bernoulli
   * probabilities, or the Gaussian mean μ(z). Returning the mean rather than a draw from
   * p(x | z) is deliberate: for a Gaussian the learned σ is one noise level per dimension
   * shared by every z, so adding it only blurs the picture of what the model learned (and the
   * Bernoulli case shows probabilities for the same reason). A caller wanting draws adds the
   * noise itself.
   */
  sample(n: number, seed: number): tf.Tensor {
    this.assertLive();
    assertPositiveInteger(n, 'n', MAX_SAMPLES);
    assertSeed(seed);
    return tf.tidy(() => {
      const z = tf.randomNormal([n, this.latentDim], 0, 1, 'float32', seed) as tf.Tensor2D;
      return toDataShape(decodeMean(this.net, z), this.dataShape);
    });
  }

  trainStep(batch: tf.Tensor): tf.Scalar {
    this.assertLive();
    return tf.tidy(() => {
      const x = toBatchMatrix(batch, this.dataShape); // validates before any state changes
      const noiseSeed = this.trainRng.nextSeed();
      const variables = this.params.variables;
      const { value, grads } = tf.variableGrads(() => negativeElboLoss(this.net, x, noiseSeed, this.config.beta), variables);
      this.optimizer.apply(variables.map((v) => grads[v.name]));
      return value;
    });
  }

  elbo(x: tf.Tensor, options: EstimatorOptions = {}): tf.Tensor1D {
    this.assertLive();
    const seed = this.estimatorSeed(options);
    return tf.tidy(() => elboPerExample(this.net, toBatchMatrix(x, this.dataShape, 'x'), seed));
  }

  iwaeBound(x: tf.Tensor, k: number, options: IwaeOptions = {}): tf.Tensor1D {
    this.assertLive();
    assertPositiveInteger(k, 'k', MAX_IMPORTANCE_SAMPLES);
    const maxElements = options.maxChunkElements ?? DEFAULT_MAX_CHUNK_ELEMENTS;
    assertPositiveInteger(maxElements, 'maxChunkElements');
    const seed = this.estimatorSeed(options);
    return tf.tidy(() => {
      const xm = toBatchMatrix(x, this.dataShape, 'x');
      const chunk = Math.max(1, Math.floor(maxElements / (xm.shape[0] * this.net.widestLayer)));
      return iwaeBoundPerExample(this.net, xm, k, seed, Math.min(chunk, k));
    });
  }

  encode(x: tf.Tensor): tf.Tensor2D {
    this.assertLive();
    return tf.tidy(() => encodeGaussian(this.net, toBatchMatrix(x, this.dataShape, 'x')).mean);
  }

  decode(z: tf.Tensor): tf.Tensor {
    this.assertLive();
    if (z.rank !== 2 || z.shape[1] !== this.latentDim || z.shape[0] === 0) {
      throw invalidArgument(`z: expected shape [n, ${this.latentDim}] with n ≥ 1, got [${z.shape.join(', ')}]`, { shape: z.shape });
    }
    return tf.tidy(() => toDataShape(decodeMean(this.net, z.toFloat() as tf.Tensor2D), this.dataShape));
  }

  /** The decoder mean E[x | z] as a tfjs layers model: the same function as `decode`. */
  exportDecoder(): Promise<ExportedTfjsModel> {
    this.assertLive();
    return exportMlp(this.net.decoder, this.net.likelihood.kind === 'bernoulli' ? 'sigmoid' : 'linear', this.dataShape);
  }

  async save(): Promise<Uint8Array> {
    this.assertLive();
    const state: VaeState = {
      seed: this.seed,
      step: this.optimizer.stepCount,
      trainRng: this.trainRng.getState(),
      evalRng: this.evalRng.getState(),
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

  private estimatorSeed(options: EstimatorOptions): number {
    if (options.seed === undefined) return this.evalRng.nextSeed();
    assertSeed(options.seed, 'seed');
    return options.seed;
  }

  private assertLive(): void {
    if (this.disposed) throw failedPrecondition('this vae model has been disposed');
  }
}
