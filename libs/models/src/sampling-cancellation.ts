import { abortedError } from '@genlab/errors';
import type { SampleOptions } from './generative-model';

/** For iterative samplers: CANCELLED (or DEADLINE_EXCEEDED) once the caller's `isCancelled` says so (see SampleOptions). */
export function throwIfSamplingCancelled(options: SampleOptions, family: string, done: number, total: number): void {
  if (options.isCancelled?.()) throw abortedError(options.signal, `${family} sampling stopped after ${done} of ${total} steps`);
}
