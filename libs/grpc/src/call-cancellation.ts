import type { EventEmitter } from 'node:events';
import { cancelled } from '@genlab/errors';

/**
 * Whether the caller still wants the result of a call. Handlers pass it down to long work,
 * which checks it between steps and stops with CANCELLED when the client cancelled or the
 * call's deadline passed.
 *
 * Two sources, because tfjs work is synchronous: a cancellation arrives as an event, which a
 * busy event loop only sees between awaited steps, while the deadline is a clock reading that
 * a synchronous loop (a sampler's timesteps) can check at any moment.
 */
export interface CallCancellation {
  /** Aborted when the client cancels or the deadline passes (as the server notices either). */
  readonly signal: AbortSignal;
  /** Milliseconds since the epoch; Infinity when the call has no deadline. */
  readonly deadline: number;
  /** True once the call was cancelled or its deadline passed. */
  isCancelled(): boolean;
  /** Throw CANCELLED if `isCancelled()`; `what` names the work that stops. */
  throwIfCancelled(what?: string): void;
}

/** The parts of a grpc-js server call used here (unary, server-streaming, ...). */
export interface CancellableServerCall extends Pick<EventEmitter, 'once'> {
  readonly cancelled?: boolean;
  getDeadline?(): Date | number;
}

/** Cancellation for a call nobody can cancel (in-process callers, tests). */
export const NEVER_CANCELLED: CallCancellation = cancellationFrom(new AbortController().signal, Infinity);

/**
 * The abort reason: the AbortError `abort()` would create, made once. grpc-js reports every
 * call's end as 'cancelled', even a completed one, and a DOMException built per call (with its
 * stack) was a visible share of a short call's time.
 */
const CALL_CANCELLED = new DOMException('This operation was aborted', 'AbortError');

export function callCancellation(call: CancellableServerCall | undefined): CallCancellation {
  if (!call) return NEVER_CANCELLED;
  const controller = new AbortController();
  if (call.cancelled) controller.abort(CALL_CANCELLED);
  else call.once('cancelled', () => controller.abort(CALL_CANCELLED));
  const raw = call.getDeadline?.();
  const deadline = raw instanceof Date ? raw.getTime() : typeof raw === 'number' ? raw : Infinity;
  return cancellationFrom(controller.signal, deadline, () => {
    if (!controller.signal.aborted && transportCancelled(call)) controller.abort(CALL_CANCELLED);
  });
}

/**
 * grpc-js delivers a request to its handler even when the client cancelled while the request
 * was still being read (the RST arrives with the request on a busy server); the handler's call
 * then never emits 'cancelled'. The transport-level call underneath does record it: look for
 * its `cancelled` flag down the chain of wrapped calls (`call.call.nextCall…`). If grpc-js
 * changes shape, this finds nothing and the event above is all there is.
 */
function transportCancelled(call: object): boolean {
  let current: unknown = (call as { call?: unknown }).call;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    if ((current as { cancelled?: unknown }).cancelled === true) return true;
    current = (current as { nextCall?: unknown }).nextCall;
  }
  return false;
}

export function cancellationFrom(signal: AbortSignal, deadline: number, refresh?: () => void): CallCancellation {
  const isCancelled = () => {
    refresh?.();
    return signal.aborted || Date.now() >= deadline;
  };
  return {
    signal,
    deadline,
    isCancelled,
    throwIfCancelled(what = 'the call') {
      if (!isCancelled()) return;
      throw cancelled(signal.aborted ? `${what} stopped: the client cancelled the call` : `${what} stopped: the call's deadline passed`);
    },
  };
}
