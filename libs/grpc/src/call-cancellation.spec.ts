import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { DomainError, ErrorCode } from '@genlab/errors';
import { callCancellation, NEVER_CANCELLED } from './call-cancellation';

class FakeCall extends EventEmitter {
  cancelled = false;
  constructor(private readonly deadline: Date | number = Infinity) {
    super();
  }
  getDeadline() {
    return this.deadline;
  }
}

function cancelledError(run: () => void): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a CANCELLED error');
}

describe('callCancellation', () => {
  it('aborts when the call emits cancelled, and then throws CANCELLED naming the work', () => {
    const call = new FakeCall();
    const cancellation = callCancellation(call);
    expect(cancellation.isCancelled()).toBe(false);
    expect(() => cancellation.throwIfCancelled('sampling')).not.toThrow();
    call.emit('cancelled');
    expect(cancellation.signal.aborted).toBe(true);
    const error = cancelledError(() => cancellation.throwIfCancelled('sampling'));
    expect(error.code).toBe(ErrorCode.Cancelled);
    expect(error.message).toBe('sampling stopped: the client cancelled the call');
  });

  it('sees a passed deadline synchronously, without the event loop turning', () => {
    const cancellation = callCancellation(new FakeCall(new Date(Date.now() + 40)));
    expect(cancellation.isCancelled()).toBe(false);
    const start = Date.now();
    while (Date.now() - start < 60) {
      // busy, as synchronous tensor work is
    }
    expect(cancellation.isCancelled()).toBe(true);
    expect(cancelledError(() => cancellation.throwIfCancelled()).message).toBe("the call stopped: the call's deadline passed");
  });

  it('is cancelled from the start for a call already cancelled', () => {
    const call = new FakeCall();
    call.cancelled = true;
    expect(callCancellation(call).isCancelled()).toBe(true);
  });

  it('never cancels without a call or a deadline', () => {
    expect(callCancellation(undefined)).toBe(NEVER_CANCELLED);
    expect(callCancellation(new FakeCall()).deadline).toBe(Infinity);
    expect(NEVER_CANCELLED.isCancelled()).toBe(false);
  });
});

describe('callCancellation when the client cancelled before the handler ran', () => {
  it('sees the transport call’s cancelled flag although no event comes', () => {
    const transport = { nextCall: { cancelled: false } };
    const call = Object.assign(new FakeCall(), { call: transport });
    const cancellation = callCancellation(call);
    expect(cancellation.isCancelled()).toBe(false);
    transport.nextCall.cancelled = true;
    expect(cancellation.isCancelled()).toBe(true);
    expect(cancellation.signal.aborted).toBe(true);
  });
});
