import type { tf } from '@genlab/compute';
import type { ExportedTfjsModel } from './export/tfjs-layers.export';
import type { TensorRecord } from './serialization/model-bytes';
import type { ModelFamily } from './model-family';

/**
 * What a model can do. Callers (evaluation, generation, UI) branch on these flags, never on
 * the family; an optional method of `GenerativeModel` is present exactly when its flag is
 * true.
 */
export interface ModelCapabilities {
  readonly sample: boolean;
  /** Exact log-likelihood: `logProb`. */
  readonly logProb: boolean;
  /** Evidence lower bound: `elbo`. */
  readonly elbo: boolean;
  /** Importance-weighted bound: `iwaeBound`. */
  readonly iwae: boolean;
  readonly encode: boolean;
  readonly decode: boolean;
  /** Sampling conditioned on a label (none yet). */
  readonly conditional: boolean;
}

export interface EstimatorOptions {
  /** Seed for the estimator's noise; without one the model draws from its own evaluation stream. */
  readonly seed?: number;
  /** The examples' classes (int32, `[n]`): conditional models then estimate log p(x | y). */
  readonly labels?: tf.Tensor1D;
}

export interface IwaeOptions extends EstimatorOptions {
  /**
   * Upper bound on the elements of the largest intermediate tensor (importance samples ×
   * batch × data dims); `k` is processed in chunks that fit. Default 2^21.
   */
  readonly maxChunkElements?: number;
}

/**
 * The contract every family implements. Tensors returned are owned by the caller (dispose
 * them); tensors passed in are not disposed. Data tensors have shape `[n, ...dataShape]`
 * (or `[n, product(dataShape)]`).
 */
export interface GenerativeModel<Config = unknown> {
  readonly family: ModelFamily;
  /** The validated config, defaults filled in; JSON-serialisable. */
  readonly config: Config;
  readonly capabilities: ModelCapabilities;
  readonly dataShape: readonly number[];
  /** Optimiser steps taken so far (restored by load). */
  readonly stepCount: number;
  /** Present when `encode` or `decode` is. */
  readonly latentDim?: number;
  /** Classes a conditional model was built for (labels lie in [0, numClasses)). */
  readonly numClasses?: number;
  /** The run seed it was created with: its initialisation, training noise and (MADE) masks derive from it. */
  readonly seed: number;

  /**
   * `n` samples, shape `[n, ...dataShape]`; the same seed gives the same samples, in any
   * process. A latent-variable family may return the decoder mean for prior draws of z rather
   * than a noisy draw (the VAE does); its `sample` says which.
   */
  sample(n: number, seed: number, options?: SampleOptions): tf.Tensor;
  /**
   * One optimiser update on `batch`; returns the loss without reading it back. Conditional
   * models (`capabilities.conditional`) need the batch's `labels` (int32, shape `[n]`).
   */
  trainStep(batch: tf.Tensor, labels?: tf.Tensor1D): tf.Scalar;
  /** Config, weights and optimiser state in one self-describing buffer (see `loadModel`). */
  save(): Promise<Uint8Array>;
  /**
   * Replaces the parameters with saved ones (records by name, as `save()` wrote them) of a
   * model like this one (`loadParametersInto` checks that it is, run seed included: MADE draws
   * its masks from it); optimiser, step count and RNG state stay as they were. For scoring a
   * run's checkpoints one after another on one model; families with an estimator (`logProb`,
   * `elbo`) have it.
   */
  setParameters?(saved: ReadonlyMap<string, TensorRecord>): void;
  dispose(): void;

  /** Per-example log-likelihood in nats, shape `[n]` (log p(x | y) given `options.labels` for conditional models). */
  logProb?(x: tf.Tensor, options?: EstimatorOptions): tf.Tensor1D;
  /** Per-example evidence lower bound in nats, shape `[n]`. */
  elbo?(x: tf.Tensor, options?: EstimatorOptions): tf.Tensor1D;
  /** Per-example importance-weighted lower bound on log p(x) with `k` samples, in nats, shape `[n]`. */
  iwaeBound?(x: tf.Tensor, k: number, options?: IwaeOptions): tf.Tensor1D;
  /** Latent code (the posterior mean for a VAE), shape `[n, latentDim]`. */
  encode?(x: tf.Tensor): tf.Tensor2D;
  /** Data-space mean for latent codes `z` of shape `[n, latentDim]`, shape `[n, ...dataShape]`. */
  decode?(z: tf.Tensor): tf.Tensor;
  /** `decode` as a standalone TensorFlow.js layers model (model.json + weights), for browsers. */
  exportDecoder?(): Promise<ExportedTfjsModel>;
}

type WithMethod<K extends keyof GenerativeModel> = GenerativeModel & Required<Pick<GenerativeModel, K>>;

export const canComputeElbo = (m: GenerativeModel): m is WithMethod<'elbo'> => m.capabilities.elbo && typeof m.elbo === 'function';
export const canComputeIwae = (m: GenerativeModel): m is WithMethod<'iwaeBound'> =>
  m.capabilities.iwae && typeof m.iwaeBound === 'function';
export const canComputeLogProb = (m: GenerativeModel): m is WithMethod<'logProb'> =>
  m.capabilities.logProb && typeof m.logProb === 'function';
export const canEncode = (m: GenerativeModel): m is WithMethod<'encode'> => m.capabilities.encode && typeof m.encode === 'function';
export const canExportDecoder = (m: GenerativeModel): m is WithMethod<'exportDecoder'> => typeof m.exportDecoder === 'function';
export const canDecode = (m: GenerativeModel): m is WithMethod<'decode'> => m.capabilities.decode && typeof m.decode === 'function';

/** What a caller may ask of sampling; a family ignores what it does not support. */
export interface SampleOptions {
  /** Class of each of the `n` samples, for conditional models. */
  readonly labels?: Int32Array;
  /** GANs: resample latent components beyond this many standard deviations. */
  readonly truncation?: number;
  /** Diffusion models: number of sampling steps. */
  readonly steps?: number;
  /**
   * Checked between the steps of iterative samplers (diffusion timesteps, autoregressive
   * pixels); when it returns true the sampler frees what it holds and throws CANCELLED, or
   * DEADLINE_EXCEEDED when `signal`'s reason says the deadline passed.
   */
  readonly isCancelled?: () => boolean;
  /** Why the caller stopped, once `isCancelled` says so (see `abortedError`). */
  readonly signal?: AbortSignal;
}

export interface CreateModelOptions {
  /** Shape of one example, e.g. `[28, 28, 1]` or `[784]`. */
  readonly dataShape: readonly number[];
  /** Number of classes of the training labels (conditional models need it). */
  readonly numClasses?: number;
  /** Run seed: initialisation and training noise derive from it. */
  readonly seed: number;
}
