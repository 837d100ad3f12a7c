import type { TensorDataset } from '@genlab/data';
import type { z } from 'zod';
import type { DatasetSummary } from './dataset-summary';
import type { CreateModelOptions, GenerativeModel, ModelCapabilities } from './generative-model';
import type { ModelFamily } from './model-family';
import type { ModelSnapshot } from './serialization/model-bytes';
import type { TrainingPlan } from './training-plan';

/** How a family's likelihood can be evaluated. */
export type DensityKind = 'explicit-exact' | 'explicit-approximate' | 'implicit';

/** One family's entry in the registry. */
export interface ModelFactory<Schema extends z.ZodType = z.ZodType> {
  readonly family: ModelFamily;
  /** One sentence for listings. */
  readonly description: string;
  /** exact log-likelihood (flows, autoregressive), a bound (VAE, diffusion), or none (GAN). */
  readonly density: DensityKind;
  /** Validates a JSON config and fills in defaults. */
  readonly configSchema: Schema;
  /** What every model of this family can do (also on each instance). */
  readonly capabilities: ModelCapabilities;
  /** A fresh, seeded model; `config` has already passed `configSchema`. */
  create(config: z.output<Schema>, options: CreateModelOptions): GenerativeModel<z.output<Schema>>;
  /** Rebuilds a model from a decoded snapshot whose family is this one; `config` already parsed. */
  restore(snapshot: ModelSnapshot & { readonly config: z.output<Schema> }): GenerativeModel<z.output<Schema>>;

  // Data hooks: the services call them (through the registry) for every run, so a family's
  // data rules live here and nowhere else. `config` has already passed `configSchema`.

  /** What this family's models train and are evaluated on, from a dataset as stored (e.g. binarised). */
  prepareDataset(config: z.output<Schema>, data: TensorDataset): TensorDataset;
  /**
   * Throws INVALID_ARGUMENT, naming the problem and what to change, when a model with `config`
   * cannot be trained on the summarised dataset (e.g. a likelihood that needs data in [0, 1]).
   * Runs before a job is queued. The registry has already checked the summary's form and
   * that `trainingPlan` succeeds, so only the family's own rules go here.
   */
  assertDatasetFits(config: z.output<Schema>, dataset: DatasetSummary): void;
  /** Steps and intervals of a run on `trainCount` examples; usually `standardTrainingPlan`. */
  trainingPlan(config: z.output<Schema>, trainCount: number): TrainingPlan;
}
