import { SeededRng, assertSeed, deriveSeed, tf } from '@genlab/compute';
import { failedPrecondition, invalidArgument } from '@genlab/errors';
import { assertPositiveInteger, dataSize, toBatchMatrix, toDataShape } from '../data-shape';
import { labelsOneHot, resolveNumClasses, sampleLabels } from '../conditioning/class-labels';
import type { EstimatorOptions, GenerativeModel, ModelCapabilities, SampleOptions } from '../generative-model';
import { ParameterSet } from '../nn/parameter-set';
import { Adam } from '../optim/adam';
import type { ConditionalSeededTrainingState } from '../serialization/model-state';
import { encodeModelBytes, type TensorRecord } from '../serialization/model-bytes';
import type { RealNvpConfig } from './realnvp.config';
import { createRealNvpFlow, flowDecode, flowEncode, flowLogProb, type RealNvpFlow } from './realnvp.flow';

/**
 * What a RealNVP model can do. An unconditional one encodes and decodes; a conditional one does
 * not (its bijection depends on the label, and `encode`/`decode` take none).
 */
export const realNvpCapabilities = (conditional: boolean): ModelCapabilities =>
  Object.freeze({ sample: true, logProb: true, elbo: false, iwae: false, encode: !conditional, decode: !conditional, conditional });

/** What the family offers: conditioning is available (config `conditional: true`). */
export const REALNVP_FAMILY_CAPABILITIES: ModelCapabilities = Object.freeze({ ...realNvpCapabilities(false), conditional: true });

const MAX_SAMPLES = 1 << 20;

/** Scalars saved with the model besides its config and tensors (`numClasses` 0 if unconditional). */
export type RealNvpState = ConditionalSeededTrainingState;

export interface RealNvpInit {
  readonly config: RealNvpConfig;
  readonly dataShape: readonly number[];
  readonly seed: number;
  /** Classes of the training labels: required (≥ 2) when `config.conditional`. */
  readonly numClasses?: number;
  readonly saved?: { readonly state: RealNvpState; readonly tensors: ReadonlyMap<string, TensorRecord> };
}

/**
 * RealNVP: an invertible flow x ↔ z of affine couplings with z ~ N(0, I), so log p(x) is
 * exact (for images: of the dequantized data, see realnvp.dequantize.ts) and the latent space
 * has the data's dimension. See `realNvpConfigSchema`.
 *
 * A conditional model is a flow x ↔ z for each class y (the one-hot label is an input of every
 * conditioner), so `logProb(x, { labels })` is the exact log p(x | y); it needs labels there
 * and in `trainStep(batch, labels)`. `sample` takes `options.labels`, or draws the classes
 * uniformly from the sampling seed.
 */
export class RealNvpModel implements GenerativeModel<RealNvpConfig> {
  readonly family = 'realnvp' as const;
  readonly capabilities: ModelCapabilities;
  readonly config: RealNvpConfig;
  readonly dataShape: readonly number[];
  readonly latentDim: number;
  readonly numClasses: number;
  /** z = f(x), `[n, D]` (images dequantized at the cell centre, so decode(encode(x)) = x); unconditional models only. */
  readonly encode?: (x: tf.Tensor) => tf.Tensor2D;
  /** x = f⁻¹(z) in data shape; images as continuous values in [0, 1] (not rounded to 8 bits); unconditional models only. */
  readonly decode?: (z: tf.Tensor) => tf.Tensor;
  readonly seed: number;
  private readonly params: ParameterSet;
  private readonly flow: RealNvpFlow;
  private readonly optimizer: Adam;
  /** Dequantization noise for training steps (images only). */
  private readonly trainRng: SeededRng;
  /** Dequantization noise for `logProb` calls without a seed. */
  private readonly evalRng: SeededRng;
  private disposed = false;

  constructor({ config, dataShape, seed, numClasses, saved }: RealNvpInit) {
    this.config = config;
    this.dataShape = Object.freeze([...dataShape]);
    this.latentDim = dataSize(dataShape);
    this.numClasses = resolveNumClasses('realnvp', config.conditional, saved ? saved.state.numClasses : numClasses);
    this.capabilities = realNvpCapabilities(this.numClasses > 0);
    this.seed = seed;
    this.params = new ParameterSet(saved?.tensors);
    let flow: RealNvpFlow | undefined;
    let optimizer: Adam | undefined;
    try {
      flow = createRealNvpFlow(this.params, config, dataShape, deriveSeed(seed, 'init'), this.numClasses);
      optimizer = new Adam(this.params, { learningRate: config.learningRate });
      if (saved) optimizer.restore({ step: saved.state.step }, saved.tensors);
    } catch (error) {
      this.params.dispose();
      flow?.dispose();
      optimizer?.dispose();
      throw error;
    }
    this.flow = flow;
    this.optimizer = optimizer;
    this.trainRng = new SeededRng(saved?.state.trainRng ?? deriveSeed(seed, 'train-noise'));
    this.evalRng = new SeededRng(saved?.state.evalRng ?? deriveSeed(seed, 'eval-noise'));
    if (this.numClasses === 0) {
      this.encode = (x) => this.encodeData(x);
      this.decode = (z) => this.decodeLatent(z);
    }
  }

  get stepCount(): number {
    return this.optimizer.stepCount;
  }

  get parameterCount(): number {
    return this.params.size;
  }

  /** Whether images are dequantized ('uniform', log-likelihood of 8-bit data) or the density is on raw values ('none'). */
  get dequantization(): 'uniform' | 'none' {
    return this.flow.dequantize;
  }

  /**
   * `n` draws x = f⁻¹(z), z ~ N(0, I) from `seed`; images as 8-bit values ⌊v⌋/255. A
   * conditional model decodes sample i with class `options.labels[i]`; without labels it draws
   * the classes uniformly, from `seed` too. The codes depend on `seed` alone, so the same seed
   * with other labels maps the same z through other classes' flows. An unconditional model
   * ignores labels.
   */
  sample(n: number, seed: number, options: SampleOptions = {}): tf.Tensor {
    this.assertLive();
    assertPositiveInteger(n, 'n', MAX_SAMPLES);
    assertSeed(seed);
    const labels = this.numClasses > 0 ? sampleLabels(n, seed, this.numClasses, options.labels) : undefined;
    return tf.tidy(() => {
      const z = tf.randomNormal([n, this.latentDim], 0, 1, 'float32', seed) as tf.Tensor2D;
      const oneHot = labels ? (tf.oneHot(tf.tensor1d(labels, 'int32'), this.numClasses).toFloat() as tf.Tensor2D) : undefined;
      return toDataShape(flowDecode(this.flow, z, true, oneHot), this.dataShape);
    });
  }

  /**
   * One Adam step on the mean negative log-likelihood of `batch`. A conditional model needs
   * `labels` (int32 `[n]`, classes in [0, numClasses)); an unconditional one ignores them.
   */
  trainStep(batch: tf.Tensor, labels?: tf.Tensor1D): tf.Scalar {
    this.assertLive();
    return tf.tidy(() => {
      const x = toBatchMatrix(batch, this.dataShape); // validates before any state changes
      const oneHot = this.labelsOneHot(labels, x.shape[0]);
      const noise = this.noise(x.shape[0], this.flow.dequantize === 'uniform' ? this.trainRng.nextSeed() : undefined);
      const variables = this.params.variables;
      const { value, grads } = tf.variableGrads(() => tf.neg(tf.mean(flowLogProb(this.flow, x, noise, oneHot))) as tf.Scalar, variables);
      this.optimizer.apply(variables.map((v) => grads[v.name]));
      return value;
    });
  }

  /**
   * log p(x) in nats per example. Real-valued data: the exact density. Images ('uniform'):
   * the density of the dequantized value 255·x + u in [0, 256)^D for one draw of u (from
   * `options.seed`, else the model's evaluation stream), i.e. the log-likelihood of the 8-bit
   * data in the usual convention; bits/dim = −logProb / (D ln 2). A conditional model needs
   * `options.labels` (int32 `[n]`) and returns log p(x | y).
   */
  logProb(x: tf.Tensor, options: EstimatorOptions = {}): tf.Tensor1D {
    this.assertLive();
    if (this.flow.dequantize === 'uniform' && options.seed !== undefined) assertSeed(options.seed, 'seed');
    return tf.tidy(() => {
      const xm = toBatchMatrix(x, this.dataShape, 'x');
      const oneHot = this.labelsOneHot(options.labels, xm.shape[0]); // validates before the noise stream moves
      const seed = this.flow.dequantize === 'uniform' ? (options.seed ?? this.evalRng.nextSeed()) : undefined;
      return flowLogProb(this.flow, xm, this.noise(xm.shape[0], seed), oneHot);
    });
  }

  private encodeData(x: tf.Tensor): tf.Tensor2D {
    this.assertLive();
    return tf.tidy(() => flowEncode(this.flow, toBatchMatrix(x, this.dataShape, 'x')));
  }

  private decodeLatent(z: tf.Tensor): tf.Tensor {
    this.assertLive();
    if (z.rank !== 2 || z.shape[1] !== this.latentDim || z.shape[0] === 0) {
      throw invalidArgument(`z: expected shape [n, ${this.latentDim}] with n ≥ 1, got [${z.shape.join(', ')}]`, { shape: z.shape });
    }
    return tf.tidy(() => toDataShape(flowDecode(this.flow, tf.cast(z, 'float32') as tf.Tensor2D, false), this.dataShape));
  }

  setParameters(saved: ReadonlyMap<string, TensorRecord>): void {
    this.assertLive();
    this.params.assign(saved);
  }

  async save(): Promise<Uint8Array> {
    this.assertLive();
    const state: RealNvpState = {
      seed: this.seed,
      step: this.optimizer.stepCount,
      trainRng: this.trainRng.getState(),
      evalRng: this.evalRng.getState(),
      numClasses: this.numClasses,
    };
    const [params, moments] = await Promise.all([this.params.toRecords(), this.optimizer.toRecords()]);
    return encodeModelBytes({ family: this.family, config: this.config, dataShape: this.dataShape, state: { ...state }, tensors: [...params, ...moments] });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.params.dispose();
    this.optimizer.dispose();
    this.flow.dispose();
  }

  /** One-hot classes `[n, K]` for a conditional model (labels required, INVALID_ARGUMENT otherwise), undefined otherwise (labels ignored). */
  private labelsOneHot(labels: tf.Tensor1D | undefined, n: number): tf.Tensor2D | undefined {
    return this.numClasses === 0 ? undefined : labelsOneHot('realnvp', labels, n, this.numClasses);
  }

  /** Uniform dequantization noise `[n, D]` in [0, 1) for `seed`, or none for real-valued data. */
  private noise(n: number, seed: number | undefined): tf.Tensor2D | undefined {
    return seed === undefined ? undefined : (tf.randomUniform([n, this.latentDim], 0, 1, 'float32', seed) as tf.Tensor2D);
  }

  private assertLive(): void {
    if (this.disposed) throw failedPrecondition('this realnvp model has been disposed');
  }
}
