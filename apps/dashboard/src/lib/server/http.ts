import 'server-only';
import { ServiceUnavailableError, isUnknownId } from './service-errors';

export function problemResponse(status: number, message: string): Response {
  return Response.json({ error: message }, { status, headers: { 'Cache-Control': 'no-store' } });
}

/** 404 for unknown ids, 503 for a service that cannot be reached; anything else is rethrown. */
export function responseForError(error: unknown, what: string): Response {
  if (isUnknownId(error)) return problemResponse(404, `${what} not found`);
  if (error instanceof ServiceUnavailableError) {
    return problemResponse(503, `${error.message}. ${error.advice}`);
  }
  throw error;
}
