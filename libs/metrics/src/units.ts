import { invalidArgument } from '@genlab/errors';

function assertDims(dims: number): void {
  if (!Number.isInteger(dims) || dims < 1) throw invalidArgument(`dims: must be a positive integer, got ${dims}`);
}

/** nats per example → bits per dimension: nats / (dims · ln 2). */
export function natsToBitsPerDim(nats: number, dims: number): number {
  assertDims(dims);
  return nats / (dims * Math.LN2);
}

/** bits per dimension → nats per example: bits · dims · ln 2. */
export function bitsPerDimToNats(bitsPerDim: number, dims: number): number {
  assertDims(dims);
  return bitsPerDim * dims * Math.LN2;
}
