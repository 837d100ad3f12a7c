import type { TensorDataset } from '@genlab/data';
import type { Database, Dataset } from '@genlab/db';
import { loadDatasetSplit } from '@genlab/service-core';

interface Entry {
  readonly data: Promise<TensorDataset>;
  /** The decoded arrays' bytes; 0 until they are loaded. */
  bytes: number;
}

/**
 * The datasets this process's runs train on, decoded, by artifact id (an artifact's bytes
 * never change: new data is a new artifact). A sweep's runs, and any runs after the first on
 * the same data, skip reading and checking its file: for MNIST's 31 MB that was 50–130 ms of
 * every run's start here (PERFORMANCE.md, "A seventh session"). Concurrent loads of one
 * artifact share one read; a failed load is not kept. Least recently used datasets go once the
 * arrays held pass `maxBytes` (GENLAB_DATASET_CACHE_MB); a dataset larger than that alone is
 * not kept, and 0 keeps none. Loads under way count once they are done, so several datasets
 * loading at once can pass the budget for a moment. What is held stays while the process runs
 * (a deleted dataset's arrays too, until newer ones push them out).
 *
 * Runs share the arrays: nothing that trains or scores writes into a dataset's arrays (the
 * batches, splits and prepared copies are new arrays or views read only), and the executor's
 * spec checks that runs leave the held arrays as stored.
 */
export class DatasetCache {
  private readonly entries = new Map<string, Entry>();
  /** Bytes of the loaded entries. */
  private held = 0;

  constructor(private readonly maxBytes: number) {}

  /** The stored dataset's examples, all of them (split them with `record.trainCount`). */
  load(db: Database, record: Dataset): Promise<TensorDataset> {
    if (this.maxBytes <= 0) return loadDatasetSplit(db, record, 'all');
    const key = record.artifactId;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit); // most recently used last
      return hit.data;
    }
    const entry: Entry = { data: loadDatasetSplit(db, record, 'all'), bytes: 0 };
    this.entries.set(key, entry);
    entry.data.then(
      (data) => {
        if (this.entries.get(key) !== entry) return; // let go of while it loaded
        const bytes = data.x.byteLength + (data.labels?.byteLength ?? 0);
        if (bytes > this.maxBytes) {
          this.entries.delete(key);
          return;
        }
        entry.bytes = bytes;
        this.held += bytes;
        this.evictBeyondBudget();
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.data;
  }

  /** Datasets held or loading, and the loaded ones' bytes. */
  get size(): { datasets: number; bytes: number } {
    return { datasets: this.entries.size, bytes: this.held };
  }

  /** Lets go of every dataset (runs that have theirs keep them). */
  clear(): void {
    this.entries.clear();
    this.held = 0;
  }

  /** Lets go of loaded datasets, least recently used first, until the budget holds (loads under way stay: they free nothing). */
  private evictBeyondBudget(): void {
    for (const [key, entry] of this.entries) {
      if (this.held <= this.maxBytes) break;
      if (entry.bytes === 0) continue;
      this.entries.delete(key);
      this.held -= entry.bytes;
    }
  }
}
