import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Checkpoint, Database } from '@genlab/db';
import type { GenerativeModel } from '@genlab/models';
import { DATABASE, loadCheckpointModel } from '@genlab/service-core';

const MAX_MODELS = 4;

interface Entry {
  model: Promise<GenerativeModel>;
  users: number;
  evicted: boolean;
}

export interface ModelLease {
  model: GenerativeModel;
  release(): void;
}

/**
 * Loaded models by checkpoint id, least recently used out. Concurrent requests for the
 * same checkpoint share one load and one model (sampling never changes weights); an
 * evicted model is disposed once its last user releases it.
 */
@Injectable()
export class ModelCache implements OnApplicationShutdown {
  private readonly entries = new Map<string, Entry>();

  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async acquire(checkpoint: Checkpoint): Promise<ModelLease> {
    let entry = this.entries.get(checkpoint.id);
    if (entry) {
      this.entries.delete(checkpoint.id);
    } else {
      entry = { model: loadCheckpointModel(this.db, checkpoint), users: 0, evicted: false };
    }
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

  private evictBeyondCapacity(): void {
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= MAX_MODELS) break;
      this.entries.delete(id);
      this.evict(entry);
    }
  }

  private evict(entry: Entry): void {
    entry.evicted = true;
    if (entry.users === 0) void entry.model.then((m) => m.dispose(), () => undefined);
  }
}
