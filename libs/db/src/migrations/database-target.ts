import { join, resolve } from 'node:path';

export type DatabaseProvider = 'sqlite' | 'postgresql';

/** Where the data lives: a SQLite file path or a PostgreSQL connection string. */
export interface DatabaseTarget {
  readonly provider: DatabaseProvider;
  readonly url: string;
}

export const SQLITE_FILE_NAME = 'genlab.db';

/** SQLite: a busy writer makes other connections wait this long before SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

export const isPostgresUrl = (url: string): boolean => POSTGRES_URL.test(url);

/**
 * PostgreSQL when `databaseUrl` is a postgres:// or postgresql:// URL, otherwise the
 * embedded SQLite file `<dataDir>/genlab.db`. Any other non-empty URL is rejected so a
 * typo never silently falls back to SQLite.
 */
export function resolveDatabaseTarget(databaseUrl: string | undefined, dataDir: string): DatabaseTarget {
  const url = databaseUrl?.trim();
  if (!url) return { provider: 'sqlite', url: join(resolve(dataDir), SQLITE_FILE_NAME) };
  if (isPostgresUrl(url)) return { provider: 'postgresql', url };
  throw new TypeError(`unsupported database URL scheme in '${url.replace(/\/\/[^@/]*@/, '//***@')}': expected postgres:// or postgresql://`);
}
