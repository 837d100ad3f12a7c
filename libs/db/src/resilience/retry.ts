import { isTransientDatabaseError } from './transient-errors';

export interface RetryOptions {
  /** Give up (rethrowing the last error) once this much time has passed since the first attempt; default 30 s. */
  readonly deadlineMs?: number;
  /** First wait; doubled after every failure up to `maxDelayMs`. Defaults 100 ms and 5 s. */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Which errors to retry; default `isTransientDatabaseError`. */
  readonly isRetryable?: (error: unknown) => boolean;
  /** Told about each failure that will be retried. */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Runs `operation` until it succeeds, retrying transient database failures with exponential
 * backoff and jitter within a deadline. Use it only for operations that are safe to repeat:
 * all-or-nothing writes that are idempotent (metric points are, on (run, key, step)) or
 * whose repetition is harmless.
 */
export async function retryTransient<T>(operation: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { deadlineMs = 30_000, initialDelayMs = 100, maxDelayMs = 5_000, isRetryable = isTransientDatabaseError } = options;
  const deadline = Date.now() + deadlineMs;
  let delay = initialDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const wait = Math.min(delay * (0.5 + Math.random() / 2), Math.max(0, deadline - Date.now()));
      if (!isRetryable(error) || wait <= 0) throw error;
      options.onRetry?.(error, attempt, wait);
      await new Promise((resolve) => setTimeout(resolve, wait));
      delay = Math.min(delay * 2, maxDelayMs);
    }
  }
}
