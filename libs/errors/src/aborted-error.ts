import { cancelled, deadlineExceeded, type DomainError } from './domain-error';

/**
 * The abort reason for work whose deadline passed: a DOMException named TimeoutError, the
 * reason `AbortSignal.timeout()` gives too. Any other reason means the caller cancelled.
 */
export const deadlinePassed = (message: string) => new DOMException(message, 'TimeoutError');

const isDeadlineReason = (reason: unknown) => reason instanceof DOMException && reason.name === 'TimeoutError';

/**
 * The error for work stopped because `signal` aborted: DEADLINE_EXCEEDED when its reason says
 * the deadline passed, CANCELLED otherwise. `what` says what stopped ("sampling stopped after
 * 3 of 50 steps"); the reason's words follow it. Without a signal (a caller that only said
 * "stop"), CANCELLED.
 */
export function abortedError(signal: AbortSignal | undefined, what: string): DomainError {
  const reason: unknown = signal?.reason;
  const why = typeof reason === 'string' ? reason : reason instanceof Error && reason.message ? reason.message : 'the caller cancelled';
  const message = `${what}: ${why}`;
  return isDeadlineReason(reason) ? deadlineExceeded(message) : cancelled(message);
}
