import { type SeededRng, tf } from '@genlab/compute';
import type { ParameterSet } from '../nn/parameter-set';
import { Adam, type AdamOptions } from '../optim/adam';
import type { TensorRecord } from '../serialization/model-bytes';
import { generatorInput, type Discriminator, type Generator } from './gan.network';
import {
  bceDiscriminatorLoss,
  bceGeneratorLoss,
  gradientPenalty,
  wassersteinCriticLoss,
  wassersteinGeneratorLoss,
} from './gan.objectives';

/** How the two networks are played against each other. */
export type GanObjective =
  | { readonly kind: 'non-saturating' }
  | { readonly kind: 'wgan-gp'; readonly gradientPenalty: number; readonly nCritic: number };

/** Optimiser steps saved with the model: one per generator update, one per discriminator update. */
export interface GanTrainerState {
  readonly generatorSteps: number;
  readonly discriminatorSteps: number;
}

export interface GanTrainerInit {
  readonly generator: Generator;
  readonly discriminator: Discriminator;
  readonly generatorParams: ParameterSet;
  readonly discriminatorParams: ParameterSet;
  readonly latentDim: number;
  readonly objective: GanObjective;
  readonly adam: AdamOptions;
}

const G_PREFIX = 'optimizer.generator.';
const D_PREFIX = 'optimizer.discriminator.';

/**
 * The GAN training procedure, apart from the networks: it owns the generator's and the
 * discriminator's (critic's) Adam optimisers and alternates them. One `step` is one
 * discriminator update then one generator update on the same samples G(z) (DCGAN, as
 * PyTorch's reference), or `nCritic` critic updates on fresh samples then one generator
 * update on fresh z (WGAN-GP). Noise (z, and WGAN-GP's interpolation weights) comes from
 * `rng`; the discriminator sees the generator's samples as constants.
 */
export class GanTrainer {
  private readonly generatorOptimizer: Adam;
  private readonly discriminatorOptimizer: Adam;

  constructor(private readonly init: GanTrainerInit) {
    this.generatorOptimizer = new Adam(init.generatorParams, init.adam);
    try {
      this.discriminatorOptimizer = new Adam(init.discriminatorParams, init.adam);
    } catch (error) {
      this.generatorOptimizer.dispose();
      throw error;
    }
  }

  get generatorSteps(): number {
    return this.generatorOptimizer.stepCount;
  }

  get discriminatorSteps(): number {
    return this.discriminatorOptimizer.stepCount;
  }

  /**
   * One training step on `real` (`[n, ...dataShape]`, one-hot `labels` `[n, K]` if
   * conditional); returns the generator's loss of its update (non-saturating BCE
   * −log σ(D(G(z))), or −E[C(G(z))] for WGAN-GP), not read back. Call inside `tf.tidy`.
   */
  step(real: tf.Tensor, labels: tf.Tensor2D | undefined, rng: SeededRng): tf.Scalar {
    const { objective } = this.init;
    if (objective.kind === 'non-saturating') return this.sharedSampleStep(real, labels, rng);
    for (let i = 0; i < objective.nCritic; i += 1) this.discriminatorStep(real, labels, rng);
    return this.generatorStep(real.shape[0], labels, rng);
  }

  /**
   * A DCGAN step as PyTorch's reference runs it: one generator forward G(z) serves both
   * updates. The discriminator's update runs nested inside the generator's tape, with the
   * samples as constant inputs (its gradient is taken with respect to its own parameters
   * only); its parameter updates are assignments, which the tape does not follow, so the
   * generator's gradient flows only through D(G(z)) computed afterwards, with the updated D.
   */
  private sharedSampleStep(real: tf.Tensor, labels: tf.Tensor2D | undefined, rng: SeededRng): tf.Scalar {
    const { generator, discriminator } = this.init;
    const z = this.noise(real.shape[0], labels, rng);
    return this.update(this.generatorOptimizer, this.init.generatorParams, () => {
      const fake = generator.apply(z, { training: true, updateStats: true });
      tf.dispose(this.discriminatorUpdate(real, fake, labels, undefined));
      const out = discriminator.apply(discriminator.prepare(fake, labels), { mode: { training: true, updateStats: false } });
      return bceGeneratorLoss(out);
    });
  }

  /**
   * One discriminator (critic) update against `real` and fresh samples of the current
   * generator; returns its loss (BCE, or E[C(fake)] − E[C(real)] + λ·penalty). Call inside `tf.tidy`.
   */
  discriminatorStep(real: tf.Tensor, labels: tf.Tensor2D | undefined, rng: SeededRng): tf.Scalar {
    const { generator, objective } = this.init;
    const n = real.shape[0];
    const fake = generator.apply(this.noise(n, labels, rng), { training: true, updateStats: false }); // not on the tape: detached
    const epsilon = objective.kind === 'wgan-gp' ? (tf.randomUniform([n], 0, 1, 'float32', rng.nextSeed()) as tf.Tensor1D) : undefined;
    return this.discriminatorUpdate(real, fake, labels, epsilon);
  }

  /** One discriminator update against `real` and `fake` (constants to it); returns its loss. Call inside `tf.tidy`. */
  discriminatorUpdate(real: tf.Tensor, fake: tf.Tensor, labels: tf.Tensor2D | undefined, epsilon: tf.Tensor1D | undefined): tf.Scalar {
    const { discriminator, objective } = this.init;
    const [realIn, fakeIn] = [discriminator.prepare(real, labels), discriminator.prepare(fake, labels)];
    return this.update(this.discriminatorOptimizer, this.init.discriminatorParams, () => {
      const mode = { training: true, updateStats: true } as const;
      const realOut = discriminator.apply(realIn, { mode, constantInput: true });
      const fakeOut = discriminator.apply(fakeIn, { mode, constantInput: true });
      if (objective.kind === 'non-saturating') return bceDiscriminatorLoss(realOut, fakeOut);
      const critic = (x: tf.Tensor) => discriminator.apply(discriminator.prepare(x, labels), { mode });
      const penalty = gradientPenalty(critic, real, fake, epsilon as tf.Tensor1D);
      return tf.add(wassersteinCriticLoss(realOut, fakeOut), tf.mul(objective.gradientPenalty, penalty));
    });
  }

  /** One generator update on `n` fresh codes; returns its loss. Call inside `tf.tidy`. */
  generatorStep(n: number, labels: tf.Tensor2D | undefined, rng: SeededRng): tf.Scalar {
    const { generator, discriminator, objective } = this.init;
    const z = this.noise(n, labels, rng);
    return this.update(this.generatorOptimizer, this.init.generatorParams, () => {
      const fake = generator.apply(z, { training: true, updateStats: true });
      const out = discriminator.apply(discriminator.prepare(fake, labels), { mode: { training: true, updateStats: false } });
      return objective.kind === 'non-saturating' ? bceGeneratorLoss(out) : wassersteinGeneratorLoss(out);
    });
  }

  /** Both optimisers' moments, as records. */
  toRecords(): Promise<TensorRecord[]> {
    return Promise.all([this.generatorOptimizer.toRecords(G_PREFIX), this.discriminatorOptimizer.toRecords(D_PREFIX)]).then((r) => r.flat());
  }

  exportState(): GanTrainerState {
    return { generatorSteps: this.generatorSteps, discriminatorSteps: this.discriminatorSteps };
  }

  restore(state: GanTrainerState, records: ReadonlyMap<string, TensorRecord>): void {
    this.generatorOptimizer.restore({ step: state.generatorSteps }, records, G_PREFIX);
    this.discriminatorOptimizer.restore({ step: state.discriminatorSteps }, records, D_PREFIX);
  }

  dispose(): void {
    this.generatorOptimizer.dispose();
    this.discriminatorOptimizer.dispose();
  }

  private noise(n: number, labels: tf.Tensor2D | undefined, rng: SeededRng): tf.Tensor2D {
    return generatorInput(tf.randomNormal([n, this.init.latentDim], 0, 1, 'float32', rng.nextSeed()) as tf.Tensor2D, labels);
  }

  private update(optimizer: Adam, params: ParameterSet, loss: () => tf.Scalar): tf.Scalar {
    const variables = params.variables;
    const { value, grads } = tf.variableGrads(loss, variables);
    const ordered = variables.map((v) => {
      const g = grads[v.name];
      if (!g) throw new Error(`GAN parameter ${v.name} does not affect its loss`);
      return g;
    });
    optimizer.apply(ordered);
    tf.dispose(grads);
    return value;
  }
}
