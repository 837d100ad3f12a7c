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
