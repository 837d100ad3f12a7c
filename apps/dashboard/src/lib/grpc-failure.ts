import { status, type ServiceError } from '@grpc/grpc-js';

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number';
}

/** The gRPC status code of a failed call, or undefined for anything else. */
export function grpcCode(error: unknown): status | undefined {
  return isServiceError(error) ? error.code : undefined;
}

/**
 * Why a service gave no answer: `unreachable` (down, not started, or no connection could be
 * made before the deadline) or `slow` (the request reached it, and it did not answer in time).
 * Undefined for an answer, even a refusal.
 *
 * grpc-js reports both "never connected" and "connected but no reply" as DEADLINE_EXCEEDED
 * when a call has a deadline; its details say which: a call that never got a connection is
 * still "Waiting for LB pick" (or for name resolution), one that was sent names its
 * `remote_addr`. A service's own DEADLINE_EXCEEDED (the deadline passed while it worked) is slow.
 *
 * Best effort: a service so busy that it cannot finish the HTTP/2 handshake of a new connection
 * reads as unreachable (the same as the spec's silent listener), and a DEADLINE_EXCEEDED a
 * service passes on from a call of its own is put down to the service that was asked.
 */
export function unanswered(error: unknown): 'unreachable' | 'slow' | undefined {
  const code = grpcCode(error);
  if (code === status.UNAVAILABLE) return 'unreachable';
  if (code !== status.DEADLINE_EXCEEDED) return undefined;
  const { details } = error as ServiceError;
  return typeof details === 'string' && /waiting for (LB pick|name resolution)/i.test(details) ? 'unreachable' : 'slow';
}
