import 'server-only';
import { status, type ServiceError } from '@grpc/grpc-js';
import { grpcCode, unanswered } from '../grpc-failure';
import { reconnectLater, serviceAddress, type ServiceName } from './genlab-clients';

/**
 * A service did not answer: `unreachable` (down or not started yet: start it) or `slow` (the
 * request went out and no answer came in time: most likely busy, try again).
 */
export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError';
  readonly address: string;

  constructor(
    readonly service: ServiceName,
    readonly detail: string,
    readonly reason: 'unreachable' | 'slow' = 'unreachable',
  ) {
    const address = serviceAddress(service);
    super(`the ${service} service at ${address} ${reason === 'slow' ? 'did not answer in time' : 'could not be reached'}: ${detail}`);
    this.address = address;
  }

  /** What the reader can do about it. */
  get advice(): string {
    return this.reason === 'slow'
      ? 'It is most likely busy (training or evaluating on the same machine can do this): try again in a moment, and if this goes on, check that it is running.'
      : 'Start the services with `npm start` from the repository root, then try again.';
  }
}

export { grpcCode };

/** NOT_FOUND, or an id the service rejects outright: both mean "no such thing" to a reader. */
export function isUnknownId(error: unknown): boolean {
  const code = grpcCode(error);
  return code === status.NOT_FOUND || code === status.INVALID_ARGUMENT;
}

/** `error` as ServiceUnavailableError if it means the service gave no answer, else itself. */
export function explainUnreachable(service: ServiceName, error: unknown): unknown {
  const reason = unanswered(error);
  if (!reason) return error;
  if (reason === 'unreachable') reconnectLater(); // a slow service's channel is fine
  return new ServiceUnavailableError(service, (error as ServiceError).details || String(error), reason);
}

/** Run a call against one service, turning "cannot reach it" into ServiceUnavailableError. */
export async function callService<T>(service: ServiceName, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw explainUnreachable(service, error);
  }
}

/** The codes whose details are written for the caller: show them as they are. */
const CALLER_FACING = new Set<status>([
  status.INVALID_ARGUMENT,
  status.FAILED_PRECONDITION,
  status.NOT_FOUND,
  status.ALREADY_EXISTS,
  status.RESOURCE_EXHAUSTED,
]);

/**
 * What a failed call should tell the person who asked for it: the service's own words for
 * a refused request, the unreachable-service explanation, or undefined for anything else
 * (a bug: rethrow it).
 */
export function refusalMessage(error: unknown): { code: 'invalid' | 'refused' | 'unavailable'; message: string } | undefined {
  if (error instanceof ServiceUnavailableError) {
    return { code: 'unavailable', message: `${error.message}. ${error.advice}` };
  }
  const code = grpcCode(error);
  if (code === undefined || !CALLER_FACING.has(code)) return undefined;
  return { code: code === status.INVALID_ARGUMENT ? 'invalid' : 'refused', message: (error as ServiceError).details || String(error) };
}
