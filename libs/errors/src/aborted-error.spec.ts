import { describe, expect, it } from 'vitest';
import { abortedError, deadlinePassed } from './aborted-error';
import { ErrorCode } from './domain-error';

const abortedWith = (reason?: unknown) => {
  const controller = new AbortController();
  controller.abort(reason);
  return controller.signal;
};

describe('abortedError', () => {
  it('is DEADLINE_EXCEEDED when the signal aborted because the deadline passed', () => {
    const error = abortedError(abortedWith(deadlinePassed("the call's deadline passed after 150 ms")), 'sampling stopped after 3 of 50 steps');
    expect(error).toMatchObject({ code: ErrorCode.DeadlineExceeded, message: "sampling stopped after 3 of 50 steps: the call's deadline passed after 150 ms" });
  });

  it('is DEADLINE_EXCEEDED for AbortSignal.timeout too', async () => {
    const signal = AbortSignal.timeout(1);
    await new Promise((resolve) => signal.addEventListener('abort', resolve));
    expect(abortedError(signal, 'export stopped').code).toBe(ErrorCode.DeadlineExceeded);
  });

  it('is CANCELLED for any other reason, in its words', () => {
    expect(abortedError(abortedWith('cancelled by the caller'), 'evaluation stopped')).toMatchObject({
      code: ErrorCode.Cancelled,
      message: 'evaluation stopped: cancelled by the caller',
    });
    expect(abortedError(abortedWith(new DOMException('the client cancelled the call', 'AbortError')), 'sampling stopped').message).toBe(
      'sampling stopped: the client cancelled the call',
    );
    expect(abortedError(abortedWith(), 'sampling stopped').code).toBe(ErrorCode.Cancelled);
  });

  it('is CANCELLED when there is no signal, or it has not aborted', () => {
    expect(abortedError(undefined, 'sampling stopped')).toMatchObject({ code: ErrorCode.Cancelled, message: 'sampling stopped: the caller cancelled' });
    expect(abortedError(new AbortController().signal, 'sampling stopped').code).toBe(ErrorCode.Cancelled);
  });
});
