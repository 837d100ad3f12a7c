import { ADAM_UPDATE_KERNEL, tf, type AdamUpdateAttrs } from '@genlab/compute';
import { invalidArgument } from '@genlab/errors';
import type { TensorRecord } from '../serialization/model-bytes';
import { readRecords, tensorFromRecord, type ParameterSet } from '../nn/parameter-set';

export interface AdamOptions {
  readonly learningRate: number;
  readonly beta1?: number;
  readonly beta2?: number;
  /** Added to √v̂ as in PyTorch (default 1e-8, PyTorch's; tfjs' own Adam uses 1e-7). */
  readonly epsilon?: number;
}

/** Adam's serialisable state besides the moment tensors. */
export interface AdamState {
  readonly step: number;
}

/** Where a model's saved bytes hold its optimiser's moments (`optimizer.m.<param>`, `optimizer.v.<param>`), apart from its parameters. */
export const OPTIMIZER_RECORD_PREFIX = 'optimizer.';

/**
 * Adam (Kingma & Ba) with PyTorch's update rule. Its moments live in variables beside the
 * parameters; `stepCount` and the moments are saved with the model so training resumes
 * exactly. Where the backend has genlab's fused update kernel (wasm), each parameter takes
 * one kernel instead of a dozen tensor ops (PERFORMANCE.md); elsewhere the same rule runs as
 * tensor ops.
 */
export class Adam {
  private readonly params: tf.Variable[];
  private readonly names: string[];
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private step = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;

  constructor(
    parameters: ParameterSet,
    private readonly options: AdamOptions,
  ) {
    this.params = parameters.variables;
    this.names = parameters.names;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    const zeros = () => tf.tidy(() => this.params.map((p) => tf.variable(tf.zerosLike(p), false)));
    this.m = zeros();
    this.v = zeros();
  }

  get stepCount(): number {
    return this.step;
  }

  /** Applies one update; `grads` follow the parameter order. */
  apply(grads: readonly tf.Tensor[]): void {
    const t = this.step + 1;
    // PyTorch's p -= lr/bc1 · m / (√v/√bc2 + ε), rearranged to one fewer tensor op:
    // p -= (lr·√bc2/bc1) · m / (√v + ε·√bc2).
    const sqrtBias2 = Math.sqrt(1 - this.beta2 ** t);
    const stepSize = (this.options.learningRate * sqrtBias2) / (1 - this.beta1 ** t);
    const epsilon = this.epsilon * sqrtBias2;
    const attrs: AdamUpdateAttrs = { beta1: this.beta1, beta2: this.beta2, stepSize, epsilon };
    const update = tf.getKernel(ADAM_UPDATE_KERNEL, tf.getBackend()) ? fusedUpdate : composedUpdate;
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const [param, m, v] = update(p, this.m[i], this.v[i], grads[i], attrs);
        this.m[i].assign(m);
        this.v[i].assign(v);
        p.assign(param);
      });
    });
    this.step = t;
  }

  exportState(): AdamState {
    return { step: this.step };
  }

  /** The moments as records named `<prefix>m.<param>` and `<prefix>v.<param>`. */
  toRecords(prefix = OPTIMIZER_RECORD_PREFIX): Promise<TensorRecord[]> {
    return readRecords([
      ...this.m.map((t, i) => [`${prefix}m.${this.names[i]}`, t] as const),
      ...this.v.map((t, i) => [`${prefix}v.${this.names[i]}`, t] as const),
    ]);
  }

  restore(state: AdamState, records: ReadonlyMap<string, TensorRecord>, prefix = OPTIMIZER_RECORD_PREFIX): void {
    if (!Number.isInteger(state.step) || state.step < 0) throw invalidArgument('model bytes: optimiser step must be a non-negative integer');
    const load = (vars: tf.Variable[], kind: 'm' | 'v') =>
      vars.forEach((variable, i) =>
        tf.tidy(() => variable.assign(tensorFromRecord(records, `${prefix}${kind}.${this.names[i]}`, variable.shape))),
      );
    load(this.m, 'm');
    load(this.v, 'v');
    this.step = state.step;
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}

type Update = (p: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, attrs: AdamUpdateAttrs) => [tf.Tensor, tf.Tensor, tf.Tensor];

const fusedUpdate: Update = (param, m, v, grad, attrs) =>
  tf.engine().runKernel(ADAM_UPDATE_KERNEL, { param, m, v, grad }, { ...attrs }) as [tf.Tensor, tf.Tensor, tf.Tensor];

const composedUpdate: Update = (p, m0, v0, g, { beta1, beta2, stepSize, epsilon }) => {
  const m = m0.mul(beta1).add(g.mul(1 - beta1));
  const v = v0.mul(beta2).add(g.square().mul(1 - beta2));
  return [p.sub(m.div(v.sqrt().add(epsilon)).mul(stepSize)), m, v];
};
