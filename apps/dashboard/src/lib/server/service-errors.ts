import 'server-only';
import { status, type ServiceError } from '@grpc/grpc-js';
import { reconnectLater, serviceAddress, type ServiceName } from './genlab-clients';

/** A service did not answer: down, not started yet, or too slow. */
export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError';
  readonly address: string;

  constructor(
    readonly service: ServiceName,
    readonly detail: string,
  ) {
    const address = serviceAddress(service);
    super(`the ${service} service at ${address} could not be reached: ${detail}`);
    this.address = address;
  }
}

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number';
}

export function grpcCode(error: unknown): status | undefined {
  return isServiceError(error) ? error.code : undefined;
}

/** NOT_FOUND, or an id the service rejects outright: both mean "no such thing" to a reader. */
export function isUnknownId(error: unknown): boolean {
  const code = grpcCode(error);
  return code === status.NOT_FOUND || code === status.INVALID_ARGUMENT;
}

export function isUnreachable(error: unknown): boolean {
  const code = grpcCode(error);
  return code === status.UNAVAILABLE || code === status.DEADLINE_EXCEEDED;
}

/** `error` as ServiceUnavailableError if it means the service could not be reached, else itself. */
export function explainUnreachable(service: ServiceName, error: unknown): unknown {
  if (!isUnreachable(error)) return error;
  reconnectLater();
  return new ServiceUnavailableError(service, (error as ServiceError).details || String(error));
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
    return { code: 'unavailable', message: `${error.message}. Start the services with \`npm start\` from the repository root, then try again.` };
  }
  const code = grpcCode(error);
  if (code === undefined || !CALLER_FACING.has(code)) return undefined;
  return { code: code === status.INVALID_ARGUMENT ? 'invalid' : 'refused', message: (error as ServiceError).details || String(error) };
}
