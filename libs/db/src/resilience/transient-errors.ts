/**
 * Whether a database error is worth retrying: the server was unreachable, restarting or
 * closed the connection, SQLite stayed busy past its timeout, or a transaction lost a
 * serialization conflict. Constraint violations, bad input and missing rows are not.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; isObject(e) && depth < 5; e = e['cause'], depth++) {
    if (typeof e['code'] === 'string' && (PRISMA_CODES.has(e['code']) || SOCKET_CODES.has(e['code']))) return true;
    const adapterCause = driverAdapterCause(e);
    if (adapterCause && isTransientAdapterCause(adapterCause)) return true;
    if (typeof e['message'] === 'string' && /Connection terminated|connection is closed|Client has encountered a connection error/i.test(e['message'])) return true;
  }
  return false;
}

/**
 * Prisma's codes for a database that could not be reached (P1001, P1002), an operation or
 * pool wait that timed out (P1008: also SQLite's busy timeout; P2024), a closed connection
 * (P1017) and a write conflict or deadlock (P2034).
 */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2034']);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'SQLITE_BUSY', 'SQLITE_LOCKED']);
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TransactionWriteConflict']);
/** SQLSTATE classes and codes: connection exceptions, shutdown / starting up, serialization failure, deadlock, too many connections. */
const POSTGRES_STATES = /^(08|57P0[123]|40001|40P01|53300)/;

function driverAdapterCause(e: Record<string, unknown>): Record<string, unknown> | undefined {
  const fromMeta = isObject(e['meta']) ? e['meta']['driverAdapterError'] : undefined;
  const adapterError = isObject(fromMeta) ? fromMeta : e['name'] === 'DriverAdapterError' ? e : undefined;
  const cause = adapterError?.['cause'];
  return isObject(cause) ? cause : undefined;
}

function isTransientAdapterCause(cause: Record<string, unknown>): boolean {
  if (typeof cause['kind'] === 'string' && ADAPTER_KINDS.has(cause['kind'])) return true;
  const code = cause['originalCode'] ?? cause['code'];
  if (typeof code !== 'string') return false;
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || POSTGRES_STATES.test(code);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
