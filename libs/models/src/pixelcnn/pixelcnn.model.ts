import { assertSeed, deriveSeed, tf } from '@genlab/compute';
import { failedPrecondition } from '@genlab/errors';
import { assertPositiveInteger, toBatchMatrix } from '../data-shape';
import type { EstimatorOptions, GenerativeModel, ModelCapabilities, SampleOptions } from '../generative-model';
import { bernoulliLogLikelihood } from '../losses/bernoulli';
import { ParameterSet } from '../nn/parameter-set';
import { Adam } from '../optim/adam';
import { labelsOneHot, resolveNumClasses, sampleLabels } from '../conditioning/class-labels';
import { throwIfSamplingCancelled } from '../sampling-cancellation';
import { encodeModelBytes, type TensorRecord } from '../serialization/model-bytes';
import type { PixelCnnConfig } from './pixelcnn.config';
import { assertPixelCnnDataShape } from './pixelcnn.data';
import { createPixelCnnNetwork, disposeNetwork, pixelLogits, type PixelCnnNetwork } from './pixelcnn.network';

export const pixelCnnCapabilities = (conditional: boolean): ModelCapabilities =>
  Object.freeze({ sample: true, logProb: true, elbo: false, iwae: false, encode: false, decode: false, conditional });

export const MAX_CLASSES = 1000;
const MAX_SAMPLES = 1 << 16;

export interface PixelCnnState {
  readonly seed: number;
  readonly step: number;
  /** Classes of a conditional model (0 if unconditional). */
  readonly numClasses: number;
}

export interface PixelCnnInit {
  readonly config: PixelCnnConfig;
  readonly dataShape: readonly number[];
  readonly seed: number;
  readonly numClasses?: number;
  readonly saved?: { readonly state: PixelCnnState; readonly tensors: ReadonlyMap<string, TensorRecord> };
}


/**
 * PixelCNN over binary images `[H, W, 1]`; see `pixelCnnConfigSchema`. log p(x) is exact:
 * the sum over pixels of log Bernoulli(x_i | σ(logit_i(x_<i))). Training draws no noise, so
 * the only saved state besides weights and Adam is the step count.
 */
export class PixelCnnModel implements GenerativeModel<PixelCnnConfig> {
  readonly family = 'pixelcnn' as const;
  readonly capabilities: ModelCapabilities;
  readonly config: PixelCnnConfig;
  readonly dataShape: readonly number[];
  readonly numClasses: number;
  readonly seed: number;
  private readonly params: ParameterSet;
  private readonly net: PixelCnnNetwork;
  private readonly optimizer: Adam;
  private disposed = false;

  constructor({ config, dataShape, seed, numClasses, saved }: PixelCnnInit) {
    assertPixelCnnDataShape(config, dataShape);
    this.config = config;
    this.dataShape = Object.freeze([...dataShape]);
    this.seed = seed;
    this.numClasses = resolveNumClasses('pixelcnn', config.conditional, saved ? saved.state.numClasses : numClasses, MAX_CLASSES);
    this.capabilities = pixelCnnCapabilities(this.numClasses > 0);
    this.params = new ParameterSet(saved?.tensors);
    let net: PixelCnnNetwork | undefined;
    let optimizer: Adam | undefined;
    try {
      net = createPixelCnnNetwork(this.params, config, this.numClasses, deriveSeed(seed, 'init'));
      optimizer = new Adam(this.params, { learningRate: config.learningRate });
      if (saved) optimizer.restore({ step: saved.state.step }, saved.tensors);
    } catch (error) {
      this.params.dispose();
      if (net) disposeNetwork(net);
      optimizer?.dispose();
      throw error;
    }
    this.net = net;
    this.optimizer = optimizer;
  }

  get stepCount(): number {
    return this.optimizer.stepCount;
  }

  get parameterCount(): number {
    return this.params.size;
  }

  /**
   * Binary images drawn pixel by pixel in raster order, each pixel from its Bernoulli given
   * the pixels before it; the uniforms deciding every pixel come from `seed`. A conditional
   * model draws class `options.labels[i]` for sample i (without labels, classes uniform from
   * `seed`). Each pixel's logits come from a window of the rows its receptive field reaches
   * (`receptiveRows` above it), which gives exactly the full image's logits at less cost.
   */
  sample(n: number, seed: number, options: SampleOptions = {}): tf.Tensor {
    this.assertLive();
    assertPositiveInteger(n, 'n', MAX_SAMPLES);
    assertSeed(seed);
    const labels = this.numClasses > 0 ? sampleLabels(n, seed, this.numClasses, options.labels) : undefined;
    const [height, width] = this.dataShape;
    const oneHot = labels ? tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), this.numClasses).toFloat() as tf.Tensor2D) : undefined;
    const uniforms = tf.randomUniform([n, height, width, 1], 0, 1, 'float32', deriveSeed(seed, 'pixels'));
    let x: tf.Tensor4D = tf.zeros([n, height, width, 1]);
    try {
      for (let r = 0; r < height; r += 1) {
        const top = Math.max(0, r - this.net.receptiveRows);
        for (let c = 0; c < width; c += 1) {
          throwIfSamplingCancelled(options, 'pixelcnn', r * width + c, height * width);
          const next = tf.tidy(() => {
            const window = x.slice([0, top, 0, 0], [n, r - top + 1, width, 1]);
            const logit = pixelLogits(this.net, window, oneHot).slice([0, r - top, c, 0], [n, 1, 1, 1]);
            const bit = uniforms.slice([0, r, c, 0], [n, 1, 1, 1]).less(tf.sigmoid(logit)).toFloat();
            const position = tf.oneHot(tf.tensor1d([r * width + c], 'int32'), height * width).reshape([1, height, width, 1]);
            return x.add(bit.mul(position)) as tf.Tensor4D;
          });
          x.dispose();
          x = next;
        }
      }
      return x;
    } catch (error) {
      x.dispose();
      throw error;
    } finally {
      tf.dispose([uniforms, ...(oneHot ? [oneHot] : [])]);
    }
  }

  /** One Adam step on the mean negative log-likelihood (nats per image). Conditional models need `labels`. */
  trainStep(batch: tf.Tensor, labels?: tf.Tensor1D): tf.Scalar {
    this.assertLive();
    return tf.tidy(() => {
      const x = this.toImages(batch, 'batch'); // validates before any state changes
      const oneHot = this.labelsOneHot(labels, x.shape[0]);
      const variables = this.params.variables;
      const { value, grads } = tf.variableGrads(() => tf.neg(tf.mean(this.logLikelihood(x, oneHot))) as tf.Scalar, variables);
      this.optimizer.apply(variables.map((v) => grads[v.name]));
      return value;
    });
  }

  /** Exact log p(x) (log p(x | y) given `options.labels` for a conditional model) per binary image, in nats. */
  logProb(x: tf.Tensor, options: EstimatorOptions = {}): tf.Tensor1D {
    this.assertLive();
    return tf.tidy(() => {
      const images = this.toImages(x, 'x');
      return this.logLikelihood(images, this.labelsOneHot(options.labels, images.shape[0]));
    });
  }

  /** The logits `[n, H, W, 1]` of every pixel given the pixels before it (for tests and diagnostics). */
  logits(x: tf.Tensor, labels?: tf.Tensor1D): tf.Tensor4D {
    this.assertLive();
    return tf.tidy(() => {
      const images = this.toImages(x, 'x');
      return pixelLogits(this.net, images, this.labelsOneHot(labels, images.shape[0]));
    });
  }

  setParameters(saved: ReadonlyMap<string, TensorRecord>): void {
    this.assertLive();
    this.params.assign(saved);
  }

  async save(): Promise<Uint8Array> {
    this.assertLive();
    const state: PixelCnnState = { seed: this.seed, step: this.optimizer.stepCount, numClasses: this.numClasses };
    const [params, moments] = await Promise.all([this.params.toRecords(), this.optimizer.toRecords()]);
    return encodeModelBytes({ family: this.family, config: this.config, dataShape: this.dataShape, state: { ...state }, tensors: [...params, ...moments] });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.params.dispose();
    this.optimizer.dispose();
    disposeNetwork(this.net);
  }

  private logLikelihood(x: tf.Tensor4D, oneHot: tf.Tensor2D | undefined): tf.Tensor1D {
    const n = x.shape[0];
    const logits = pixelLogits(this.net, x, oneHot);
    return bernoulliLogLikelihood(logits.reshape([n, -1]), x.reshape([n, -1])) as tf.Tensor1D;
  }

  private toImages(x: tf.Tensor, what: string): tf.Tensor4D {
    const m = toBatchMatrix(x, this.dataShape, what);
    return m.reshape([m.shape[0], ...this.dataShape]) as tf.Tensor4D;
  }

  /** One-hot classes `[n, K]` for a conditional model (labels required), undefined otherwise (labels ignored). */
  private labelsOneHot(labels: tf.Tensor1D | undefined, n: number): tf.Tensor2D | undefined {
    return this.numClasses === 0 ? undefined : labelsOneHot('pixelcnn', labels, n, this.numClasses);
  }


  private assertLive(): void {
    if (this.disposed) throw failedPrecondition('this pixelcnn model has been disposed');
  }
}
