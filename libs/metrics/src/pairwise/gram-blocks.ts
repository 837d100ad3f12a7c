import { tf } from '@genlab/compute';
import { abortedError } from '@genlab/errors';
import { integerAtLeast } from '../validation';
import type { CentredFeatures } from './centred-features';

/** How pairwise work is cut into blocks. */
export interface BlockOptions {
  /**
   * Largest number of pairwise values held at once (default 2²³ ≈ 8.4 M, i.e. 32 MiB of
   * float32, alive twice: in the backend and as the downloaded copy). A block is
   * ⌊maxBlockElements / columns⌋ rows (at least one) of the pairwise matrix.
   */
  readonly maxBlockElements?: number;
  /**
   * Checked between blocks; when it returns true the work stops with CANCELLED, or
   * DEADLINE_EXCEEDED when `signal`'s reason says the deadline passed.
   */
  readonly isCancelled?: () => boolean;
  /** Why the caller stopped, once `isCancelled` says so (see `abortedError`). */
  readonly signal?: AbortSignal;
}

export const DEFAULT_MAX_BLOCK_ELEMENTS = 1 << 23;

/**
 * Receives rows [start, start + rows) of a pairwise matrix restricted to the columns
 * [columnStart, columns): row-major, `columns − columnStart` values per row, so entry (i, j)
 * is `block[(i − start) · width + (j − columnStart)]`.
 */
export type BlockVisitor = (block: Float32Array, start: number, rows: number, columnStart: number) => void;

export function rowsPerBlock(columns: number, options: BlockOptions): number {
  const budget = integerAtLeast(options.maxBlockElements ?? DEFAULT_MAX_BLOCK_ELEMENTS, 1, 'maxBlockElements');
  return Math.max(1, Math.floor(budget / columns));
}

export function throwIfCancelled(options: BlockOptions, what: string, done: number, total: number): void {
  if (options.isCancelled?.()) throw abortedError(options.signal, `${what} stopped after ${done} of ${total} rows`);
}

export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Streams the Gram matrix a′ b′ᵀ (float32, one tfjs matMul per block) to `visit`, one row
 * block at a time (columnStart = 0); at most one block is alive, and the event loop gets a
 * turn between blocks.
 */
export function forEachGramBlock(a: CentredFeatures, b: CentredFeatures, options: BlockOptions, what: string, visit: BlockVisitor): Promise<void> {
  return streamBlocks(a, b, false, options, what, visit);
}

/**
 * The upper triangle of a′ a′ᵀ, by row blocks: the block of rows [start, start + rows) holds
 * the columns [start, count) only (columnStart = start). About half the work of the full
 * matrix; visitors take the entries left of the block from the earlier blocks' columns.
 */
export function forEachSymmetricGramBlock(a: CentredFeatures, options: BlockOptions, what: string, visit: BlockVisitor): Promise<void> {
  return streamBlocks(a, a, true, options, what, visit);
}

async function streamBlocks(a: CentredFeatures, b: CentredFeatures, upper: boolean, options: BlockOptions, what: string, visit: BlockVisitor): Promise<void> {
  const step = rowsPerBlock(b.count, options);
  for (let start = 0; start < a.count; start += step) {
    throwIfCancelled(options, what, start, a.count);
    const rows = Math.min(step, a.count - start);
    const columnStart = upper ? start : 0;
    const gram = tf.tidy(() => {
      const left = rows === a.count ? a.rows : tf.slice(a.rows, [start, 0], [rows, a.dim]);
      const right = columnStart === 0 ? b.columns : tf.slice(b.columns, [0, columnStart], [b.dim, b.count - columnStart]);
      return tf.matMul(left, right);
    });
    let block: Float32Array;
    try {
      block = (await gram.data()) as Float32Array;
    } finally {
      gram.dispose();
    }
    visit(block, start, rows, columnStart);
    await nextTurn();
  }
}
