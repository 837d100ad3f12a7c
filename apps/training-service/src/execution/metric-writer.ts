import type { LoggerService } from '@nestjs/common';
import { isClaimLost, retryTransient, type Database, type MetricPoint } from '@genlab/db';
import type { MetricSample } from '../runs/training-loop';

export interface MetricWriterOptions {
  readonly db: Database;
  readonly runId: string;
  readonly claimToken: string;
  /** How long a batch is retried through database outages before the run fails. */
  readonly retryMs: number;
  /** Told about points once they are stored (to publish them to event streams). */
  readonly onStored: (points: MetricPoint[]) => void;
  readonly logger: LoggerService;
  /** Write once this many points are buffered (default 200). */
  readonly batchPoints?: number;
  /** ... or once the oldest buffered point is this old (default 1 s). */
  readonly maxDelayMs?: number;
  /** Above this many buffered points, `add` waits for the writes (default 20 000). */
  readonly maxBufferedPoints?: number;
}

/**
 * Buffers a run's metric points and writes them in batches, in the background, so training
 * never waits for the database: one batch in flight at a time, each fenced by the run's
 * claim and retried through brief outages. Writes are idempotent on (run, key, step), so a
 * batch retried after an ambiguous failure stores nothing twice. `flush` waits until every
 * point added so far is stored; a batch that finally fails is reported by the next `add`
 * or `flush`.
 */
export class MetricWriter {
  private buffer: MetricPoint[] = [];
  /** When the oldest buffered point was added (performance.now()). */
  private oldestAt = 0;
  private writing: Promise<void> | undefined;
  private failure: unknown;
  /** Due when the oldest buffered point reaches maxDelayMs: armed only while points wait. */
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly batchPoints: number;
  private readonly maxDelayMs: number;
  private readonly maxBufferedPoints: number;

  constructor(private readonly options: MetricWriterOptions) {
    this.batchPoints = options.batchPoints ?? 200;
    this.maxDelayMs = options.maxDelayMs ?? 1_000;
    this.maxBufferedPoints = options.maxBufferedPoints ?? 20_000;
  }

  /** Buffers points (timestamped now); waits only when the buffer is over its bound. */
  add(points: readonly MetricSample[]): Promise<void> | void {
    this.throwIfFailed();
    if (points.length === 0) return;
    if (this.buffer.length === 0) this.oldestAt = performance.now();
    const time = new Date();
    for (const p of points) this.buffer.push({ runId: this.options.runId, key: p.key, step: p.step, value: p.value, time });
    if (this.buffer.length >= this.batchPoints) this.startWrite();
    else this.arm();
    if (this.buffer.length >= this.maxBufferedPoints) return this.flush();
  }

  /** Resolves once every point added so far is stored. */
  async flush(): Promise<void> {
    while (this.writing || this.buffer.length > 0) {
      this.startWrite();
      await this.writing;
      this.throwIfFailed();
    }
    this.throwIfFailed();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Schedules a write for when the oldest buffered point is maxDelayMs old (a write that is
   * due while another is in flight starts when that one ends). Points written earlier, by a
   * full batch or a flush, leave nothing to wait for: no write without a point this old.
   */
  private arm(): void {
    if (this.timer !== undefined || this.closed || this.buffer.length === 0) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.startWrite();
      },
      Math.max(0, this.oldestAt + this.maxDelayMs - performance.now()),
    );
    this.timer.unref();
  }

  private startWrite(): void {
    if (this.writing || this.buffer.length === 0 || this.failure !== undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    this.writing = this.write(batch)
      .catch((error: unknown) => {
        this.failure = error;
      })
      .finally(() => {
        this.writing = undefined;
        if (this.buffer.length >= this.batchPoints) this.startWrite();
        else this.arm();
      });
  }

  private async write(batch: MetricPoint[]): Promise<void> {
    const { db, runId, claimToken, retryMs, logger } = this.options;
    await retryTransient(() => db.metrics.appendPoints(runId, batch, { claimToken }), {
      deadlineMs: retryMs,
      onRetry: (error, attempt, delayMs) =>
        logger.warn(`run ${runId}: storing ${batch.length} metric points failed (attempt ${attempt}, retrying in ${Math.round(delayMs)} ms): ${lastLine(error)}`),
    });
    this.options.onStored(batch);
  }

  private throwIfFailed(): void {
    if (this.failure === undefined) return;
    if (isClaimLost(this.failure)) throw this.failure;
    throw new Error(`run ${this.options.runId}: metric points could not be stored: ${lastLine(this.failure)}`, { cause: this.failure });
  }
}

export const lastLine = (error: unknown): string => (error instanceof Error ? (error.message.trim().split('\n').at(-1) ?? error.message) : String(error));
