import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as PostgresClient } from './generated/postgresql/client';
import { PrismaClient as SqliteClient } from './generated/sqlite/client';
import { SQLITE_BUSY_TIMEOUT_MS, type DatabaseTarget } from './migrations/database-target';
import { SerializedSqliteAdapterFactory } from './serialized-sqlite.adapter';

/**
 * The Prisma client type the repositories are written against. The two generated clients
 * share one model file, so their model APIs are the same; the SQLite one is used as the
 * type because it is the narrower of the two (no `skipDuplicates`, no `mode: insensitive`),
 * which keeps repository code portable by construction.
 */
export type DbClient = SqliteClient;

export async function createPrismaClient(target: DatabaseTarget): Promise<DbClient> {
  if (target.provider === 'postgresql') {
    const client = new PostgresClient({ adapter: new PrismaPg({ connectionString: target.url }) });
    return client as unknown as DbClient;
  }
  const sqlite = new PrismaBetterSqlite3({ url: target.url, timeout: SQLITE_BUSY_TIMEOUT_MS });
  const client = new SqliteClient({ adapter: new SerializedSqliteAdapterFactory(sqlite) });
  // WAL lets readers proceed while a writer commits; NORMAL sync is durable across crashes
  // of the process (not of the OS) and is the recommended pairing with WAL.
  await client.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await client.$executeRawUnsafe('PRAGMA synchronous = NORMAL');
  await client.$executeRawUnsafe('PRAGMA foreign_keys = ON');
  return client;
}
