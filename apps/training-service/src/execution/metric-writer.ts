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
  private writing: Promise<void> | undefined;
  private failure: unknown;
  private readonly timer: NodeJS.Timeout;
  private readonly batchPoints: number;
  private readonly maxBufferedPoints: number;

  constructor(private readonly options: MetricWriterOptions) {
    this.batchPoints = options.batchPoints ?? 200;
    this.maxBufferedPoints = options.maxBufferedPoints ?? 20_000;
    this.timer = setInterval(() => this.startWrite(), options.maxDelayMs ?? 1_000);
    this.timer.unref();
  }

  /** Buffers points (timestamped now); waits only when the buffer is over its bound. */
  add(points: readonly MetricSample[]): Promise<void> | void {
    this.throwIfFailed();
    const time = new Date();
    for (const p of points) this.buffer.push({ runId: this.options.runId, key: p.key, step: p.step, value: p.value, time });
    if (this.buffer.length >= this.batchPoints) this.startWrite();
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
    clearInterval(this.timer);
  }

  private startWrite(): void {
    if (this.writing || this.buffer.length === 0 || this.failure !== undefined) return;
    const batch = this.buffer;
    this.buffer = [];
    this.writing = this.write(batch)
      .catch((error: unknown) => {
        this.failure = error;
      })
      .finally(() => {
        this.writing = undefined;
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
