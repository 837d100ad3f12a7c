import { SeededRng, assertSeed, deriveSeed, tf } from '@genlab/compute';
import { failedPrecondition } from '@genlab/errors';
import { assertPositiveInteger, toBatchMatrix } from '../data-shape';
import { labelsOneHot, resolveNumClasses, sampleLabels } from '../conditioning/class-labels';
import type { GenerativeModel, ModelCapabilities, SampleOptions } from '../generative-model';
import { ParameterSet } from '../nn/parameter-set';
import { encodeModelBytes, type TensorRecord } from '../serialization/model-bytes';
import type { DcganConfig, GanConfig, WganGpConfig } from './gan.config';
import { assertGanDataShape } from './gan.data';
import { createGanNetworks, generatorInput, type Generator } from './gan.network';
import { GanTrainer, type GanObjective } from './gan.trainer';

export type GanFamily = 'dcgan' | 'wgan-gp';

/** What a GAN can do: sample, and (if so configured) condition on a class; no likelihood, no encoder. */
export const ganCapabilities = (conditional: boolean): ModelCapabilities =>
  Object.freeze({ sample: true, logProb: false, elbo: false, iwae: false, encode: false, decode: false, conditional });

const MAX_SAMPLES = 1 << 20;
const MAX_CLASSES = 1 << 16;

/** Scalars saved with a GAN besides its config and tensors. */
export interface GanState {
  readonly seed: number;
  /** Classes of a conditional model (0 if unconditional). */
  readonly numClasses: number;
  readonly generatorSteps: number;
  readonly discriminatorSteps: number;
  readonly trainRng: number;
}

export type GanInit = {
  readonly dataShape: readonly number[];
  readonly seed: number;
  readonly numClasses?: number;
  readonly saved?: { readonly state: GanState; readonly tensors: ReadonlyMap<string, TensorRecord> };
} & ({ readonly family: 'dcgan'; readonly config: DcganConfig } | { readonly family: 'wgan-gp'; readonly config: WganGpConfig });

function objectiveOf(init: GanInit): GanObjective {
  return init.family === 'dcgan'
    ? { kind: 'non-saturating' }
    : { kind: 'wgan-gp', gradientPenalty: init.config.gradientPenalty, nCritic: init.config.nCritic };
}


/**
 * A generative adversarial network, DCGAN (non-saturating loss) or WGAN-GP, with conv or MLP
 * networks, optionally class-conditional. Parameters: `generator.*` and `discriminator.*`
 * (the critic, for WGAN-GP); BatchNorm running statistics: `buffers.*`. `trainStep` returns
 * the generator's loss (see `GanTrainer.step`). Sampling runs the generator in evaluation
 * mode (BatchNorm with its running statistics).
 */
export class GanModel<C extends GanConfig = GanConfig> implements GenerativeModel<C> {
  readonly family: GanFamily;
  readonly config: C;
  readonly capabilities: ModelCapabilities;
  readonly dataShape: readonly number[];
  readonly numClasses: number;
  readonly seed: number;
  private readonly generatorParams: ParameterSet;
  private readonly discriminatorParams: ParameterSet;
  private readonly buffers: ParameterSet;
  private readonly generator: Generator;
  private readonly trainer: GanTrainer;
  /** z and interpolation noise of training steps. */
  private readonly trainRng: SeededRng;
  private disposed = false;

  constructor(init: GanInit) {
    const { family, config, dataShape, seed, saved } = init;
    assertGanDataShape(family, config, dataShape);
    this.family = family;
    this.config = config as C;
    this.dataShape = Object.freeze([...dataShape]);
    this.numClasses = saved ? saved.state.numClasses : resolveNumClasses(family, config.conditional, init.numClasses, MAX_CLASSES);
    this.capabilities = ganCapabilities(config.conditional);
    this.seed = seed;
    this.generatorParams = new ParameterSet(saved?.tensors);
    this.discriminatorParams = new ParameterSet(saved?.tensors);
    this.buffers = new ParameterSet(saved?.tensors);
    let trainer: GanTrainer | undefined;
    try {
      const nets = createGanNetworks(
        { ...config, dataShape, numClasses: this.numClasses, discriminatorBatchNorm: family === 'dcgan' },
        { g: this.generatorParams, d: this.discriminatorParams, buffers: this.buffers },
        deriveSeed(seed, 'init'),
      );
      this.generator = nets.generator;
      trainer = new GanTrainer({
        ...nets,
        generatorParams: this.generatorParams,
        discriminatorParams: this.discriminatorParams,
        latentDim: config.latentDim,
        objective: objectiveOf(init),
        adam: { learningRate: config.learningRate, beta1: config.beta1, beta2: config.beta2 },
      });
      if (saved) trainer.restore(saved.state, saved.tensors);
    } catch (error) {
      // a half-built model must not leak variables
      [this.generatorParams, this.discriminatorParams, this.buffers].forEach((p) => p.dispose());
      trainer?.dispose();
      throw error;
    }
    this.trainer = trainer;
    this.trainRng = new SeededRng(saved?.state.trainRng ?? deriveSeed(seed, 'train-noise'));
  }

  /** Generator updates so far (one per `trainStep`). */
  get stepCount(): number {
    return this.trainer.generatorSteps;
  }

  /** Trainable scalars of the generator and of the discriminator (critic). */
  get parameterCounts(): { generator: number; discriminator: number } {
    return { generator: this.generatorParams.size, discriminator: this.discriminatorParams.size };
  }

  /**
   * `n` generator samples G(z), z ~ N(0, I) from `seed`: images in [0, 1] (conv) or real
   * values (mlp). A conditional model samples class `options.labels[i]` for sample i; without
   * labels it draws the classes uniformly, from `seed` too. With `options.truncation` t > 0
   * (the truncation trick), latent components beyond ±t are redrawn (then clipped), trading
   * diversity for fidelity.
   */
  sample(n: number, seed: number, options: SampleOptions = {}): tf.Tensor {
    this.assertLive();
    assertPositiveInteger(n, 'n', MAX_SAMPLES);
    assertSeed(seed);
    const labels = this.numClasses > 0 ? sampleLabels(n, seed, this.numClasses, options.labels) : undefined;
    return tf.tidy(() => {
      const z = truncatedLatent([n, this.config.latentDim], seed, options.truncation);
      const oneHot = labels ? (tf.oneHot(tf.tensor1d(labels, 'int32'), this.numClasses).toFloat() as tf.Tensor2D) : undefined;
      return this.generator.apply(generatorInput(z, oneHot), { training: false });
    });
  }

  /**
   * One DCGAN step (a discriminator then a generator update) or WGAN-GP step (`nCritic`
   * critic updates then a generator update) on `batch`. Returns the **generator's loss** of
   * its update: −log σ(D(G(z))) averaged (DCGAN), or −E[C(G(z))] (WGAN-GP). A conditional
   * model needs `labels` (int32 `[n]`, classes in [0, numClasses); a class outside that range
   * acts as "no class", an all-zero one-hot row).
   */
  trainStep(batch: tf.Tensor, labels?: tf.Tensor1D): tf.Scalar {
    this.assertLive();
    return tf.tidy(() => {
      const x = toBatchMatrix(batch, this.dataShape).reshape([batch.shape[0], ...this.dataShape]); // validates before any state changes
      const oneHot = this.numClasses > 0 ? labelsOneHot(this.family, labels, x.shape[0], this.numClasses) : undefined;
      return this.trainer.step(x, oneHot, this.trainRng);
    });
  }

  async save(): Promise<Uint8Array> {
    this.assertLive();
    const state: GanState = { seed: this.seed, numClasses: this.numClasses, ...this.trainer.exportState(), trainRng: this.trainRng.getState() };
    // Every read is issued before the first await: the snapshot is of one instant.
    const parts = await Promise.all([
      this.generatorParams.toRecords(),
      this.discriminatorParams.toRecords(),
      this.buffers.toRecords(),
      this.trainer.toRecords(),
    ]);
    return encodeModelBytes({ family: this.family, config: this.config, dataShape: this.dataShape, state: { ...state }, tensors: parts.flat() });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    [this.generatorParams, this.discriminatorParams, this.buffers].forEach((p) => p.dispose());
    this.trainer.dispose();
  }



  private assertLive(): void {
    if (this.disposed) throw failedPrecondition(`this ${this.family} model has been disposed`);
  }
}

/** z ~ N(0, I) from `seed`; with `truncation` t > 0, components beyond ±t redrawn, then clipped. */
function truncatedLatent(shape: [number, number], seed: number, truncation?: number): tf.Tensor2D {
  let z = tf.randomNormal(shape, 0, 1, 'float32', seed) as tf.Tensor2D;
  if (!truncation) return z;
  for (let round = 1; round <= 16; round++) {
    const redraw = tf.randomNormal(shape, 0, 1, 'float32', deriveSeed(seed, 'truncation', round));
    z = tf.where(tf.abs(z).greater(truncation), redraw, z) as tf.Tensor2D;
  }
  return tf.clipByValue(z, -truncation, truncation) as tf.Tensor2D;
}
