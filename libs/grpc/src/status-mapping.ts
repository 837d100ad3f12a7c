import { status } from '@grpc/grpc-js';
import { DomainError, ErrorCode } from '@genlab/errors';

/** The one mapping from domain error codes to gRPC status codes. */
export function toGrpcStatus(code: ErrorCode): status {
  switch (code) {
    case ErrorCode.InvalidArgument:
      return status.INVALID_ARGUMENT;
    case ErrorCode.NotFound:
      return status.NOT_FOUND;
    case ErrorCode.AlreadyExists:
      return status.ALREADY_EXISTS;
    case ErrorCode.FailedPrecondition:
      return status.FAILED_PRECONDITION;
    case ErrorCode.ResourceExhausted:
      return status.RESOURCE_EXHAUSTED;
    case ErrorCode.Unimplemented:
      return status.UNIMPLEMENTED;
    case ErrorCode.Unavailable:
      return status.UNAVAILABLE;
    case ErrorCode.Cancelled:
      return status.CANCELLED;
    case ErrorCode.DeadlineExceeded:
      return status.DEADLINE_EXCEEDED;
    case ErrorCode.Internal:
      return status.INTERNAL;
    case ErrorCode.Unauthenticated:
      return status.UNAUTHENTICATED;
    case ErrorCode.PermissionDenied:
      return status.PERMISSION_DENIED;
    default: {
      const unreachable: never = code;
      throw new Error(`unmapped error code ${String(unreachable)}`);
    }
  }
}

export interface GrpcErrorPayload {
  code: status;
  details: string;
  message: string;
}

/**
 * Turn anything thrown by a handler into what grpc-js sends: domain errors keep their
 * message; anything else becomes INTERNAL with a reference the server logs, never the
 * original message, stack or file paths.
 */
export function toGrpcError(error: unknown, reportInternal: (ref: string, error: unknown) => void): GrpcErrorPayload {
  if (error instanceof DomainError) {
    return { code: toGrpcStatus(error.code), details: error.message, message: error.message };
  }
  if (isGrpcErrorPayload(error)) return error;
  const ref = Math.random().toString(36).slice(2, 10);
  reportInternal(ref, error);
  const details = `internal error (reference ${ref})`;
  return { code: status.INTERNAL, details, message: details };
}

function isGrpcErrorPayload(error: unknown): error is GrpcErrorPayload {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as GrpcErrorPayload).code === 'number' &&
    typeof (error as GrpcErrorPayload).details === 'string'
  );
}
