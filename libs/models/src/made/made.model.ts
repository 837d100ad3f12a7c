import { SeededRng, assertSeed, deriveSeed, tf } from '@genlab/compute';
import { failedPrecondition } from '@genlab/errors';
import { assertPositiveInteger, dataSize, toBatchMatrix, toDataShape } from '../data-shape';
import type { GenerativeModel, ModelCapabilities } from '../generative-model';
import { ParameterSet } from '../nn/parameter-set';
import { Adam } from '../optim/adam';
import { encodeModelBytes, type TensorRecord } from '../serialization/model-bytes';
import type { MadeConfig } from './made.config';
import { createMadeNetwork, disposeMadeNetwork, madeLogProb, madeLogProbForMask, madeSampleForMask, type MadeNetwork } from './made.network';

export const MADE_CAPABILITIES: ModelCapabilities = Object.freeze({
  sample: true,
  logProb: true,
  elbo: false,
  iwae: false,
  encode: false,
  decode: false,
  conditional: false,
});

const MAX_SAMPLES = 1 << 16;

/** Scalars saved with a MADE besides its config and tensors (the masks derive from `seed`). */
export interface MadeState {
  readonly seed: number;
  readonly step: number;
}

export interface MadeInit {
  readonly config: MadeConfig;
  readonly dataShape: readonly number[];
  readonly seed: number;
  readonly saved?: { readonly state: MadeState; readonly tensors: ReadonlyMap<string, TensorRecord> };
}

/**
 * MADE (Germain et al. 2015): an autoencoder whose weight masks make output d depend only on
 * inputs before d in an ordering, so its Bernoulli outputs are the conditionals of an exact
 * autoregressive p(x) = Π_d p(x_d | x_<d). See `madeConfigSchema`. Training is
 * deterministic (no noise): step s uses connectivity s mod numMasks.
 */
export class MadeModel implements GenerativeModel<MadeConfig> {
  readonly family = 'made' as const;
  readonly capabilities = MADE_CAPABILITIES;
  readonly config: MadeConfig;
  readonly dataShape: readonly number[];
  readonly seed: number;
  private readonly params: ParameterSet;
  private readonly net: MadeNetwork;
  private readonly optimizer: Adam;
  private disposed = false;

  constructor({ config, dataShape, seed, saved }: MadeInit) {
    this.config = config;
    this.dataShape = Object.freeze([...dataShape]);
    this.seed = seed;
    this.params = new ParameterSet(saved?.tensors);
    let net: MadeNetwork | undefined;
    let optimizer: Adam | undefined;
    try {
      net = createMadeNetwork(this.params, config, dataSize(dataShape), seed, deriveSeed(seed, 'init'));
      optimizer = new Adam(this.params, { learningRate: config.learningRate });
      if (saved) optimizer.restore({ step: saved.state.step }, saved.tensors);
    } catch (error) {
      this.params.dispose();
      if (net) disposeMadeNetwork(net);
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

  /** The model's connectivities (degrees and masks), for inspection and tests. */
  get connectivities(): MadeNetwork['connectivities'] {
    return this.net.connectivities;
  }

  /** The weights and masks themselves (read-only use: inspection and tests). */
  get network(): MadeNetwork {
    return this.net;
  }

  /**
   * `n` binary samples (0/1 floats) by ancestral sampling, D sequential steps, all `n` at
   * once. With several masks each sample first picks a connectivity uniformly (a draw from
   * the same mixture `logProb` evaluates). Bernoulli draws and mask choices derive from `seed`.
   */
  sample(n: number, seed: number): tf.Tensor {
    this.assertLive();
    assertPositiveInteger(n, 'n', MAX_SAMPLES);
    assertSeed(seed);
    const count = this.net.maskTensors.length;
    const rng = new SeededRng(deriveSeed(seed, 'made-sample-mask'));
    const maskOf = Int32Array.from({ length: n }, () => (count === 1 ? 0 : rng.nextUint32() % count));
    return tf.tidy(() => {
      const groups: tf.Tensor2D[] = [];
      const order: number[] = [];
      for (let k = 0; k < count; k += 1) {
        const members = [...maskOf.keys()].filter((i) => maskOf[i] === k);
        if (members.length === 0) continue;
        const uniforms = tf.randomUniform([members.length, this.net.dataDim], 0, 1, 'float32', deriveSeed(seed, 'made-sample', k));
        groups.push(madeSampleForMask(this.net, k, uniforms as tf.Tensor2D));
        order.push(...members);
      }
      let all = groups.length === 1 ? groups[0] : (tf.concat(groups, 0) as tf.Tensor2D);
      if (groups.length > 1) {
        const rowOf = new Int32Array(n);
        order.forEach((sampleIndex, row) => (rowOf[sampleIndex] = row));
        all = tf.gather(all, tf.tensor1d(rowOf, 'int32'), 0) as tf.Tensor2D;
      }
      return toDataShape(all, this.dataShape);
    });
  }

  trainStep(batch: tf.Tensor): tf.Scalar {
    this.assertLive();
    return tf.tidy(() => {
      const x = this.binaryMatrix(batch, 'batch'); // validates before any state changes
      const k = this.optimizer.stepCount % this.net.maskTensors.length;
      const variables = this.params.variables;
      const { value, grads } = tf.variableGrads(() => tf.neg(tf.mean(madeLogProbForMask(this.net, x, k))) as tf.Scalar, variables);
      this.optimizer.apply(variables.map((v) => grads[v.name]));
      return value;
    });
  }

  /** Exact log p(x) in nats per example (of the binarised x when `binarize` is 'static'). */
  logProb(x: tf.Tensor): tf.Tensor1D {
    this.assertLive();
    return tf.tidy(() => madeLogProb(this.net, this.binaryMatrix(x, 'x')));
  }

  setParameters(saved: ReadonlyMap<string, TensorRecord>): void {
    this.assertLive();
    this.params.assign(saved);
  }

  async save(): Promise<Uint8Array> {
    this.assertLive();
    const state: MadeState = { seed: this.seed, step: this.optimizer.stepCount };
    const [params, moments] = await Promise.all([this.params.toRecords(), this.optimizer.toRecords()]);
    return encodeModelBytes({ family: this.family, config: this.config, dataShape: this.dataShape, state: { ...state }, tensors: [...params, ...moments] });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.params.dispose();
    this.optimizer.dispose();
    disposeMadeNetwork(this.net);
  }

  /**
   * The batch as `[n, D]`, binarised (x > 0.5, idempotent on binary data) when `binarize` is
   * 'static', so the model is always evaluated on what it trains on. With 'none' the values
   * are used as they are (the data hooks require them in [0, 1]).
   */
  private binaryMatrix(x: tf.Tensor, what: string): tf.Tensor2D {
    const m = toBatchMatrix(x, this.dataShape, what);
    return this.config.binarize === 'static' ? (tf.cast(tf.greater(m, 0.5), 'float32') as tf.Tensor2D) : m;
  }

  private assertLive(): void {
    if (this.disposed) throw failedPrecondition('this made model has been disposed');
  }
}
