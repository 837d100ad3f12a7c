import { DomainError, ErrorCode } from '@genlab/errors';
import type { trainingV1 } from '@genlab/contracts';

/** What a stream writes to: a gRPC call is a Node writable, whose buffer says when its client lags. */
export interface WritableSignal {
  readonly writableNeedDrain?: boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/** Metric points a lagging subscriber may have pending before its stream is ended. */
export const MAX_PENDING_POINTS = 50_000;

/**
 * Between a run's publisher (the training loop's process) and one subscriber's stream:
 * `push` only appends to memory and returns, so a slow or stalled client can never slow
 * training. Events go out on a later turn of the event loop, and only while the client
 * keeps up (the call's write buffer is not full); meanwhile progress is coalesced to the
 * latest and consecutive metric batches are merged. A client so far behind that more than
 * MAX_PENDING_POINTS points wait is cut off with RESOURCE_EXHAUSTED (its points are stored:
 * it reconnects with include_history).
 */
export class EventOutbox {
  private pending: trainingV1.RunEvent[] = [];
  /** The latest progress, sent after what is pending (a snapshot: older ones are dropped). */
  private progress: trainingV1.RunEvent | undefined;
  private pendingPoints = 0;
  private scheduled = false;
  private waitingForDrain = false;
  private closed = false;

  constructor(
    private readonly deliver: (event: trainingV1.RunEvent) => void,
    private readonly fail: (error: Error) => void,
    private readonly sink?: WritableSignal,
  ) {}

  push(event: trainingV1.RunEvent): void {
    if (this.closed) return;
    const last = this.pending.at(-1);
    if (event.progress) {
      this.progress = event;
    } else if (event.metrics && last?.metrics) {
      for (const point of event.metrics.points) last.metrics.points.push(point); // `last` is this outbox's own copy
      last.time = event.time;
    } else {
      // Metric events are copied, so that later batches can be appended to them in place.
      this.pending.push(event.metrics ? { ...event, metrics: { points: [...event.metrics.points] } } : event);
    }
    this.pendingPoints += event.metrics?.points.length ?? 0;
    if (this.pendingPoints > MAX_PENDING_POINTS) {
      this.close();
      this.fail(
        new DomainError(ErrorCode.ResourceExhausted, `the client fell more than ${MAX_PENDING_POINTS} metric points behind the run; reconnect with include_history`),
      );
      return;
    }
    this.schedule();
  }

  /** Events not yet written (for tests and diagnostics). */
  get backlog(): number {
    return this.pending.length + (this.progress ? 1 : 0);
  }

  /** Hands everything pending to the stream now, lagging client or not (the stream is about to end). */
  flushNow(): void {
    while (!this.closed && (this.pending.length > 0 || this.progress)) this.deliverNext();
  }

  close(): void {
    this.closed = true;
    this.pending = [];
    this.progress = undefined;
    this.pendingPoints = 0;
  }

  private schedule(): void {
    if (this.scheduled || this.waitingForDrain) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (!this.closed && (this.pending.length > 0 || this.progress)) {
      if (this.sink?.writableNeedDrain) {
        this.waitingForDrain = true;
        this.sink.once('drain', () => {
          this.waitingForDrain = false;
          this.flush();
        });
        return;
      }
      this.deliverNext();
    }
  }

  private deliverNext(): void {
    const event = this.pending.shift() ?? (this.progress as trainingV1.RunEvent);
    if (event === this.progress) this.progress = undefined;
    this.pendingPoints -= event.metrics?.points.length ?? 0;
    this.deliver(event);
  }
}
