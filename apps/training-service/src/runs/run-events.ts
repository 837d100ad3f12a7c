import { EventEmitter } from 'node:events';
import type { trainingV1 } from '@genlab/contracts';

export interface RunEventSubscription {
  /** Resolves once events published from now on will be delivered (a Redis subscription is acknowledged). */
  readonly ready: Promise<void>;
  unsubscribe(): void;
}

/**
 * Fan-out of run events: executors publish, StreamRunEvents subscribers receive. Events are
 * published only after what they describe is stored, so a subscriber that waits for its
 * subscription to be ready, reads the stored history and then follows live events misses
 * nothing. In-process by default; over Redis pub/sub when runs train in other processes.
 * (An abstract class so that Nest can inject it by type.)
 */
export abstract class RunEventBus {
  abstract publish(event: trainingV1.RunEvent): void;
  /** `onClose` is called if the bus closes (the service is stopping) before the caller unsubscribes. */
  abstract subscribe(runId: string, listener: (event: trainingV1.RunEvent) => void, onClose: () => void): RunEventSubscription;
  /** End every subscription: the service is stopping. */
  abstract closeAll(): void;
  /** Release connections (after closeAll); nothing to release in-process. */
  dispose(): Promise<void> {
    return Promise.resolve();
  }
}

const CLOSE = Symbol('close');

/** Delivers events within one process, to listeners of each run id. */
export class LocalEventFanout {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  emit(event: trainingV1.RunEvent): void {
    this.emitter.emit(event.runId, event);
  }

  listen(runId: string, listener: (event: trainingV1.RunEvent) => void, onClose: () => void): () => void {
    this.emitter.on(runId, listener);
    this.emitter.on(CLOSE, onClose);
    return () => {
      this.emitter.off(runId, listener);
      this.emitter.off(CLOSE, onClose);
    };
  }

  listenerCount(runId: string): number {
    return this.emitter.listenerCount(runId);
  }

  closeAll(): void {
    this.emitter.emit(CLOSE);
  }
}

/** The bus when every run trains in this process (the embedded queue). */
export class InProcessRunEventBus extends RunEventBus {
  private readonly fanout = new LocalEventFanout();

  publish(event: trainingV1.RunEvent): void {
    this.fanout.emit(event);
  }

  subscribe(runId: string, listener: (event: trainingV1.RunEvent) => void, onClose: () => void): RunEventSubscription {
    return { ready: Promise.resolve(), unsubscribe: this.fanout.listen(runId, listener, onClose) };
  }

  closeAll(): void {
    this.fanout.closeAll();
  }
}
