import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { GenlabConfig } from '@genlab/config';
import type { Checkpoint, Database } from '@genlab/db';
import type { GenerativeModel } from '@genlab/models';
import { DATABASE, GENLAB_CONFIG, loadCheckpointModel } from '@genlab/service-core';

interface Entry {
  model: Promise<GenerativeModel>;
  /** The checkpoint's size: weights plus optimiser state, an upper bound on the weights in memory. */
  bytes: number;
  users: number;
  evicted: boolean;
}

export interface ModelLease {
  model: GenerativeModel;
  release(): void;
}

/**
 * Loaded models by checkpoint id within a memory budget (GENLAB_MODEL_CACHE_MB), least
 * recently used out. Concurrent requests for the same checkpoint share one load and one
 * model (sampling never changes weights); an evicted model is disposed once its last user
 * releases it. The most recent model always stays, even if it alone exceeds the budget.
 */
@Injectable()
export class ModelCache implements OnApplicationShutdown {
  private readonly entries = new Map<string, Entry>();

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(GENLAB_CONFIG) private readonly config: GenlabConfig,
  ) {}

  async acquire(checkpoint: Checkpoint): Promise<ModelLease> {
    let entry = this.entries.get(checkpoint.id);
    if (!entry) {
      const { sizeBytes } = await this.db.artifacts.get(checkpoint.artifactId);
      // Another request may have started the same load while the size was read.
      entry = this.entries.get(checkpoint.id) ?? { model: loadCheckpointModel(this.db, checkpoint), bytes: sizeBytes, users: 0, evicted: false };
    }
    this.entries.delete(checkpoint.id);
    this.entries.set(checkpoint.id, entry);
    entry.users++;
    this.evictBeyondCapacity();
    const leased = entry;
    let model: GenerativeModel;
    try {
      model = await leased.model;
    } catch (error) {
      if (this.entries.get(checkpoint.id) === leased) this.entries.delete(checkpoint.id);
      leased.users--;
      throw error;
    }
    let released = false;
    return {
      model,
      release: () => {
        if (released) return;
        released = true;
        leased.users--;
        if (leased.evicted && leased.users === 0) model.dispose();
      },
    };
  }

  get size(): number {
    return this.entries.size;
  }

  onApplicationShutdown(): void {
    for (const entry of this.entries.values()) this.evict(entry);
    this.entries.clear();
  }

  /** Bytes of the models held. */
  get bytes(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.bytes;
    return total;
  }

  private evictBeyondCapacity(): void {
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= 1 || this.bytes <= this.config.modelCacheBytes) break;
      this.entries.delete(id);
      this.evict(entry);
    }
  }

  private evict(entry: Entry): void {
    entry.evicted = true;
    if (entry.users === 0) void entry.model.then((m) => m.dispose(), () => undefined);
  }
}
