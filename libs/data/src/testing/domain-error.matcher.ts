import { expect } from 'vitest';
import { DomainError, ErrorCode } from '@genlab/errors';

/** Runs `fn`, asserts it throws INVALID_ARGUMENT, and returns the message for further checks. */
export const expectInvalidArgument = (fn: () => unknown, message?: string | RegExp): string => {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected an INVALID_ARGUMENT DomainError').toBeInstanceOf(DomainError);
  const error = thrown as DomainError;
  expect(error.code).toBe(ErrorCode.InvalidArgument);
  if (typeof message === 'string') expect(error.message).toBe(message);
  else if (message) expect(error.message).toMatch(message);
  return error.message;
};
