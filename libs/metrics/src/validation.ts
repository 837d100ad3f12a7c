import { invalidArgument } from '@genlab/errors';

/** `value` if it is an integer ≥ `min`, else INVALID_ARGUMENT naming `name`. */
export function integerAtLeast(value: number, min: number, name: string): number {
  if (!Number.isInteger(value) || value < min) throw invalidArgument(`${name}: must be an integer ≥ ${min}, got ${value}`);
  return value;
}
