import type { EventEmitter } from 'node:events';
import { abortedError, deadlinePassed } from '@genlab/errors';

/**
 * Whether the caller still wants the result of a call. Handlers pass it down to long work,
 * which checks it between steps and stops with CANCELLED when the client cancelled, or
 * DEADLINE_EXCEEDED when the call's deadline passed.
 *
 * Two sources, because tfjs work is synchronous: a cancellation arrives as an event, which a
 * busy event loop only sees between awaited steps, while the deadline is a clock reading that
 * a synchronous loop (a sampler's timesteps) can check at any moment.
 */
export interface CallCancellation {
  /**
   * Aborted when the client cancels or the deadline passes (as the server notices either); its
   * reason says which, for `abortedError` (a TimeoutError once the deadline passed).
   */
  readonly signal: AbortSignal;
  /** Milliseconds since the epoch; Infinity when the call has no deadline. */
  readonly deadline: number;
  /**
   * True once the call was cancelled or its deadline passed. Seeing the deadline pass aborts
   * `signal` (its listeners run then, synchronously).
   */
  isCancelled(): boolean;
  /** Throw CANCELLED or DEADLINE_EXCEEDED if `isCancelled()`; `what` names the work that stops. */
  throwIfCancelled(what?: string): void;
}

/** The parts of a grpc-js server call used here (unary, server-streaming, ...). */
export interface CancellableServerCall extends Pick<EventEmitter, 'once'> {
  readonly cancelled?: boolean;
  getDeadline?(): Date | number;
}

/** Cancellation for a call nobody can cancel (in-process callers, tests). */
export const NEVER_CANCELLED: CallCancellation = cancellationFrom(new AbortController(), Infinity, Date.now());

/**
 * The abort reason when the client cancelled, made once: grpc-js reports every call's end as
 * 'cancelled', even a completed one, and a DOMException built per call (with its stack) was a
 * visible share of a short call's time.
 */
const CLIENT_CANCELLED = new DOMException('the client cancelled the call', 'AbortError');

/**
 * A call that ends this close to its deadline ended because of it. The client's own deadline
 * timer resets the stream at about the server's deadline (the client's timeout, counted here
 * from the request's arrival, a little later: later still when the event loop was busy as
 * the request came in), and timers can fire a little early against Date.now() (they count
 * from the event loop's cached time). Best effort: a client that cancels this close to its
 * deadline is taken for the deadline, and a request held up longer than this before its
 * handler ran can have the client's timeout taken for a cancel. Either way the client already
 * has its DEADLINE_EXCEEDED (a reset stream carries no status back): this only decides what
 * the stopped work reports.
 */
const DEADLINE_SLACK_MS = 100;

export function callCancellation(call: CancellableServerCall | undefined): CallCancellation {
  if (!call) return NEVER_CANCELLED;
  const start = Date.now();
  const raw = call.getDeadline?.();
  const deadline = raw instanceof Date ? raw.getTime() : typeof raw === 'number' ? raw : Infinity;
  const controller = new AbortController();
  // grpc-js says only that the call ended: its deadline timer and a client's reset both emit
  // 'cancelled'. The clock tells them apart.
  const end = () => controller.abort(Date.now() >= deadline - DEADLINE_SLACK_MS ? deadlineReason(start) : CLIENT_CANCELLED);
  if (call.cancelled) end();
  else call.once('cancelled', end);
  return cancellationFrom(controller, deadline, start, () => {
    if (!controller.signal.aborted && transportCancelled(call)) end();
  });
}

function deadlineReason(start: number): DOMException {
  return deadlinePassed(`the call's deadline passed after ${Date.now() - start} ms`);
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

/**
 * `start` is when the call reached its handler, for the message. A deadline seen on the clock
 * aborts the signal too, so that its reason is there for whoever stops on `isCancelled()`.
 */
function cancellationFrom(controller: AbortController, deadline: number, start: number, refresh?: () => void): CallCancellation {
  const { signal } = controller;
  const isCancelled = () => {
    refresh?.();
    if (!signal.aborted && Date.now() >= deadline) controller.abort(deadlineReason(start));
    return signal.aborted;
  };
  return {
    signal,
    deadline,
    isCancelled,
    throwIfCancelled(what = 'the call') {
      if (isCancelled()) throw abortedError(signal, `${what} stopped`);
    },
  };
}
