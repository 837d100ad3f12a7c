import { isValidSeed } from '@genlab/compute';
import { invalidArgument } from '@genlab/errors';

/**
 * The scalars saved with a model that trains with its own noise streams (VAE, DDPM,
 * RealNVP): its run seed, optimiser step, and the states of its training and evaluation RNGs.
 */
export interface SeededTrainingState {
  readonly seed: number;
  readonly step: number;
  readonly trainRng: number;
  readonly evalRng: number;
}

/** Validates a saved `SeededTrainingState`; INVALID_ARGUMENT naming the family otherwise. */
export function parseSeededTrainingState(family: string, state: Readonly<Record<string, unknown>>): SeededTrainingState {
  const { seed, step, trainRng, evalRng } = state;
  if (!isValidSeed(seed) || !isValidSeed(trainRng) || !isValidSeed(evalRng) || !Number.isSafeInteger(step) || (step as number) < 0) {
    throw invalidArgument(`model bytes: ${family} state must hold seed, step, trainRng and evalRng as non-negative integers`);
  }
  return { seed, step: step as number, trainRng, evalRng };
}

/** A `SeededTrainingState` of a family that may be class-conditional. */
export interface ConditionalSeededTrainingState extends SeededTrainingState {
  /** Classes of a conditional model; 0 for an unconditional one. */
  readonly numClasses: number;
}

/**
 * `parseSeededTrainingState` plus `numClasses`: 0 (unconditional, also when absent, as in
 * bytes saved before the family could be conditional) or an integer in [2, maxClasses].
 */
export function parseConditionalSeededTrainingState(
  family: string,
  state: Readonly<Record<string, unknown>>,
  maxClasses: number,
): ConditionalSeededTrainingState {
  const { numClasses = 0 } = state;
  const classesOk = numClasses === 0 || (Number.isInteger(numClasses) && (numClasses as number) >= 2 && (numClasses as number) <= maxClasses);
  if (!classesOk) throw invalidArgument(`model bytes: ${family} state numClasses must be 0 or an integer in [2, ${maxClasses}]`);
  return { ...parseSeededTrainingState(family, state), numClasses: numClasses as number };
}
