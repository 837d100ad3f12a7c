import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import type { trainingV1 } from '@genlab/contracts';

/**
 * In-process fan-out of run events: the executor publishes, StreamRunEvents subscribers
 * receive. Events are published only after what they describe is stored, so a subscriber
 * that reads the stored history and then follows live events misses nothing.
 */
@Injectable()
export class RunEventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(event: trainingV1.RunEvent): void {
    this.emitter.emit(event.runId, event);
  }

  subscribe(runId: string, listener: (event: trainingV1.RunEvent) => void): () => void {
    this.emitter.on(runId, listener);
    return () => this.emitter.off(runId, listener);
  }
}
