import { z } from 'zod';

/** An integer in [1, max], with errors phrased for the caller. */
export const positiveInt = (max: number) =>
  z
    .int({ error: 'must be a positive integer' })
    .min(1, { error: 'must be a positive integer' })
    .max(max, { error: `must be at most ${max}` });

export const learningRateField = (fallback: number) =>
  z
    .number({ error: 'must be a positive number' })
    .positive({ error: 'must be a positive number' })
    .max(1, { error: 'must be at most 1' })
    .default(fallback)
    .meta({ description: 'Adam step size.' });

export const batchSizeField = (fallback: number, description = 'Examples per training step.') =>
  positiveInt(65536).default(fallback).meta({ description });

export const epochsField = (fallback: number, description = 'Passes over the training set.') =>
  positiveInt(100000).default(fallback).meta({ description });

export const maxStepsField = () =>
  positiveInt(Number.MAX_SAFE_INTEGER).optional().meta({ description: 'Stop after this many steps, if earlier.' });

/**
 * Train on a class-balanced labelled subset of this many training examples (the run's seed
 * picks it; see `takeLabelledSubset`) instead of the whole split: the data-efficiency
 * experiment's knob. Needs a labelled dataset.
 */
export const labelledExamplesField = () =>
  positiveInt(Number.MAX_SAFE_INTEGER)
    .optional()
    .meta({
      description:
        'Train on a class-balanced subset of this many labelled training examples (picked by the run seed) instead of the whole training split; needs labels.',
    });

/** The fields every family's training plan reads (see `standardTrainingPlan`), with its defaults. */
export const trainingFields = (defaults: { learningRate?: number; batchSize?: number; epochs?: number } = {}) => ({
  learningRate: learningRateField(defaults.learningRate ?? 1e-3),
  batchSize: batchSizeField(defaults.batchSize ?? 128),
  epochs: epochsField(defaults.epochs ?? 20),
  maxSteps: maxStepsField(),
  labelledExamples: labelledExamplesField(),
});
