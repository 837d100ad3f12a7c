import { SeededRng, assertSeed, deriveSeed, tf } from '@genlab/compute';
import { failedPrecondition } from '@genlab/errors';
import { assertPositiveInteger, dataSize, toBatchMatrix } from '../data-shape';
import type { EstimatorOptions, GenerativeModel, ModelCapabilities, SampleOptions } from '../generative-model';
import { ParameterSet } from '../nn/parameter-set';
import { Adam } from '../optim/adam';
import type { SeededTrainingState } from '../serialization/model-state';
import { encodeModelBytes, type TensorRecord } from '../serialization/model-bytes';
import type { DdpmConfig } from './ddpm.config';
import { assertDdpmDataShape } from './ddpm.data';
import type { Denoiser } from './ddpm.denoiser';
import { Diffusion } from './ddpm.diffusion';
import { createMlpDenoiser } from './ddpm.mlp';
import { createSchedule, type DiffusionSchedule } from './ddpm.schedule';
import { createUnetDenoiser } from './ddpm.unet';

export const DDPM_CAPABILITIES: ModelCapabilities = Object.freeze({
  sample: true,
  logProb: false,
  elbo: true,
  iwae: false,
  encode: false,
  decode: false,
  conditional: false,
});

const DEFAULT_MAX_CHUNK_ELEMENTS = 1 << 21;
const MAX_SAMPLES = 1 << 16;

/** Scalars saved with the model besides its config and tensors. */
export type DdpmState = SeededTrainingState;

export interface DdpmInit {
  readonly config: DdpmConfig;
  readonly dataShape: readonly number[];
  readonly seed: number;
  readonly saved?: { readonly state: DdpmState; readonly tensors: ReadonlyMap<string, TensorRecord> };
}

export interface DdpmElboOptions extends EstimatorOptions {
  /**
   * Upper bound on the elements of the largest activation of one batched pass (steps ×
   * batch × activation size); the T terms are evaluated in chunks of steps that fit. Default 2^21.
   */
  readonly maxChunkElements?: number;
}

function createDenoiser(params: ParameterSet, config: DdpmConfig, dataShape: readonly number[], seed: number): Denoiser {
  const common = { timesteps: config.timesteps, timeEmbeddingDim: config.timeEmbeddingDim, seed };
  if (config.architecture === 'mlp') return createMlpDenoiser(params, { ...common, dataDim: dataSize(dataShape), hiddenDims: config.hiddenDims });
  const [height, width, channels] = dataShape;
  return createUnetDenoiser(params, { ...common, imageShape: [height, width, channels], baseChannels: config.baseChannels, levels: config.levels });
}

/**
 * A denoising diffusion model (Ho et al. 2020); see `ddpmConfigSchema`. The MLP works on data
 * as given (continuous; Gaussian decoder L_0); the U-Net on images in [0, 1] scaled to
 * [-1, 1] (8-bit; discretised decoder L_0), and its samples are scaled back and clipped to [0, 1].
 */
export class DdpmModel implements GenerativeModel<DdpmConfig> {
  readonly family = 'ddpm' as const;
  readonly capabilities = DDPM_CAPABILITIES;
  readonly config: DdpmConfig;
  readonly dataShape: readonly number[];
  readonly schedule: DiffusionSchedule;
  readonly seed: number;
  private readonly params: ParameterSet;
  private readonly denoiser: Denoiser;
  private readonly diffusion: Diffusion;
  private readonly optimizer: Adam;
  private readonly trainRng: SeededRng;
  private readonly evalRng: SeededRng;
  private disposed = false;

  constructor({ config, dataShape, seed, saved }: DdpmInit) {
    assertDdpmDataShape(config, dataShape);
    this.config = config;
    this.dataShape = Object.freeze([...dataShape]);
    this.seed = seed;
    this.schedule = createSchedule(config.schedule, config.timesteps);
    this.params = new ParameterSet(saved?.tensors);
    let denoiser: Denoiser | undefined;
    let optimizer: Adam | undefined;
    try {
      denoiser = createDenoiser(this.params, config, dataShape, deriveSeed(seed, 'init'));
      optimizer = new Adam(this.params, { learningRate: config.learningRate });
      if (saved) optimizer.restore({ step: saved.state.step }, saved.tensors);
    } catch (error) {
      this.params.dispose();
      denoiser?.dispose();
      optimizer?.dispose();
      throw error;
    }
    this.denoiser = denoiser;
    this.optimizer = optimizer;
    this.diffusion = new Diffusion(this.schedule, denoiser, config.architecture === 'unet' ? 'discretized' : 'gaussian');
    this.trainRng = new SeededRng(saved?.state.trainRng ?? deriveSeed(seed, 'train-noise'));
    this.evalRng = new SeededRng(saved?.state.evalRng ?? deriveSeed(seed, 'eval-noise'));
  }

  get stepCount(): number {
    return this.optimizer.stepCount;
  }

  get parameterCount(): number {
    return this.params.size;
  }

  /**
   * Ancestral samples x_0 (images: scaled back to [0, 1] and clipped), seeded step by step;
   * `options.steps` < T samples over that many evenly spaced timesteps (faster, coarser).
   */
  sample(n: number, seed: number, options: SampleOptions = {}): tf.Tensor {
    this.assertLive();
    assertPositiveInteger(n, 'n', MAX_SAMPLES);
    assertSeed(seed);
    if (options.steps !== undefined) assertPositiveInteger(options.steps, 'steps');
    const x = this.diffusion.sample(n, seed, Math.min(options.steps ?? this.config.timesteps, this.config.timesteps), options);
    try {
      return tf.tidy(() => this.fromModelSpace(x));
    } finally {
      x.dispose();
    }
  }

  /** One Adam step on Ho et al.'s simple loss (ε-MSE at a uniformly drawn t per example). */
  trainStep(batch: tf.Tensor): tf.Scalar {
    this.assertLive();
    return tf.tidy(() => {
      const x0 = this.toModelSpace(batch, 'batch'); // validates before any state changes
      const seed = this.trainRng.nextSeed();
      const variables = this.params.variables;
      const { value, grads } = tf.variableGrads(() => this.diffusion.simpleLoss(x0, seed), variables);
      this.optimizer.apply(variables.map((v) => grads[v.name]));
      return value;
    });
  }

  /**
   * The DDPM variational bound on log p(x) (L_T + Σ L_{t−1} + L_0, negated) per example, in
   * nats: of the 8-bit data for the U-Net, a density of the continuous data for the MLP.
   */
  elbo(x: tf.Tensor, options: DdpmElboOptions = {}): tf.Tensor1D {
    this.assertLive();
    const maxElements = options.maxChunkElements ?? DEFAULT_MAX_CHUNK_ELEMENTS;
    assertPositiveInteger(maxElements, 'maxChunkElements');
    const seed = this.estimatorSeed(options);
    return tf.tidy(() => {
      const x0 = this.toModelSpace(x, 'x');
      const chunk = Math.max(1, Math.floor(maxElements / (x0.shape[0] * this.denoiser.activationElements)));
      return this.diffusion.variationalBound(x0, seed, chunk);
    });
  }

  setParameters(saved: ReadonlyMap<string, TensorRecord>): void {
    this.assertLive();
    this.params.assign(saved);
  }

  async save(): Promise<Uint8Array> {
    this.assertLive();
    const state: DdpmState = {
      seed: this.seed,
      step: this.optimizer.stepCount,
      trainRng: this.trainRng.getState(),
      evalRng: this.evalRng.getState(),
    };
    const [params, moments] = await Promise.all([this.params.toRecords(), this.optimizer.toRecords()]);
    return encodeModelBytes({ family: this.family, config: this.config, dataShape: this.dataShape, state: { ...state }, tensors: [...params, ...moments] });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.params.dispose();
    this.optimizer.dispose();
    this.denoiser.dispose();
    this.diffusion.dispose();
  }

  /** `[n, ...dataShape]` (or `[n, D]`) as the denoiser's input: a matrix for the MLP, images in [-1, 1] for the U-Net. */
  private toModelSpace(x: tf.Tensor, what: string): tf.Tensor {
    const m = toBatchMatrix(x, this.dataShape, what);
    if (this.config.architecture === 'mlp') return m;
    return tf.tidy(() => m.reshape([m.shape[0], ...this.dataShape]).mul(2).sub(1));
  }

  private fromModelSpace(m: tf.Tensor): tf.Tensor {
    const n = m.shape[0];
    if (this.config.architecture === 'mlp') return m.reshape([n, ...this.dataShape]);
    return m.add(1).mul(0.5).clipByValue(0, 1).reshape([n, ...this.dataShape]);
  }

  private estimatorSeed(options: EstimatorOptions): number {
    if (options.seed === undefined) return this.evalRng.nextSeed();
    assertSeed(options.seed, 'seed');
    return options.seed;
  }

  private assertLive(): void {
    if (this.disposed) throw failedPrecondition('this ddpm model has been disposed');
  }
}
