/**
 * Domain errors carry a code from a closed set; transports map the code to their own
 * status (see `@genlab/grpc`'s `toGrpcStatus`). Messages are written for the caller:
 * they say what is wrong and, where possible, what to change. They never carry a stack
 * trace or an internal file path.
 */
export enum ErrorCode {
  InvalidArgument = 'INVALID_ARGUMENT',
  NotFound = 'NOT_FOUND',
  AlreadyExists = 'ALREADY_EXISTS',
  FailedPrecondition = 'FAILED_PRECONDITION',
  ResourceExhausted = 'RESOURCE_EXHAUSTED',
  Unimplemented = 'UNIMPLEMENTED',
  Unavailable = 'UNAVAILABLE',
  Cancelled = 'CANCELLED',
  DeadlineExceeded = 'DEADLINE_EXCEEDED',
  Internal = 'INTERNAL',
  Unauthenticated = 'UNAUTHENTICATED',
  PermissionDenied = 'PERMISSION_DENIED',
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalidArgument = (message: string, details?: Record<string, unknown>) =>
  new DomainError(ErrorCode.InvalidArgument, message, details);

export const notFound = (what: string, id: string) =>
  new DomainError(ErrorCode.NotFound, `${what} '${id}' was not found`, { what, id });

export const failedPrecondition = (message: string, details?: Record<string, unknown>) =>
  new DomainError(ErrorCode.FailedPrecondition, message, details);

export const unimplemented = (method: string, plannedIn: string) =>
  new DomainError(ErrorCode.Unimplemented, `${method} is not implemented yet (planned: ${plannedIn})`);

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;

/** The caller cancelled the call: the work it started was stopped. */
export const cancelled = (message: string) => new DomainError(ErrorCode.Cancelled, message);

/** The call's deadline passed: the work it started was stopped (see `abortedError`). */
export const deadlineExceeded = (message: string) => new DomainError(ErrorCode.DeadlineExceeded, message);

/** No valid credentials: a missing, unknown or revoked token. */
export const unauthenticated = (message: string) => new DomainError(ErrorCode.Unauthenticated, message);

/** Valid credentials that do not allow this call on this resource. */
export const permissionDenied = (message: string) => new DomainError(ErrorCode.PermissionDenied, message);
