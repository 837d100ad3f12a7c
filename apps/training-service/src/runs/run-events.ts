import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import type { trainingV1 } from '@genlab/contracts';

/**
 * In-process fan-out of run events: the executor publishes, StreamRunEvents subscribers
 * receive. Events are published only after what they describe is stored, so a subscriber
 * that reads the stored history and then follows live events misses nothing.
 */
const CLOSE = Symbol('close');

@Injectable()
export class RunEventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(event: trainingV1.RunEvent): void {
    this.emitter.emit(event.runId, event);
  }

  /** `onClose` is called if the bus closes (the service is stopping) before the caller unsubscribes. */
  subscribe(runId: string, listener: (event: trainingV1.RunEvent) => void, onClose: () => void): () => void {
    this.emitter.on(runId, listener);
    this.emitter.on(CLOSE, onClose);
    return () => {
      this.emitter.off(runId, listener);
      this.emitter.off(CLOSE, onClose);
    };
  }

  /** End every subscription: the service is stopping. */
  closeAll(): void {
    this.emitter.emit(CLOSE);
  }
}
