import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { openDatabase, type Database } from '../database';
import type { DatabaseProvider } from '../migrations/database-target';

/** Every suite runs once per provider: `describe.each(PROVIDERS)('… on %s', (provider) => …)`. */
export const PROVIDERS: readonly DatabaseProvider[] = ['sqlite', 'postgresql'];

/** Server for the per-file PostgreSQL databases (trust auth, user postgres). */
const POSTGRES_ADMIN_URL = process.env['GENLAB_TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  readonly provider: DatabaseProvider;
  /** Opened (and migrated) in beforeAll. */
  readonly db: Database;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  /** Opens the same database again (closed in afterAll). */
  open(): Promise<Database>;
}

/** An empty database: a temp directory plus, for PostgreSQL, a uniquely named database. */
export interface ScratchDatabase {
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  /** Drops the database and removes the directory. */
  drop(): Promise<void>;
}

export async function createScratchDatabase(provider: DatabaseProvider): Promise<ScratchDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), 'genlab-db-test-'));
  const removeDir = () => rm(dataDir, { recursive: true, force: true });
  if (provider === 'sqlite') return { dataDir, databaseUrl: undefined, drop: removeDir };
  const name = `genlab_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    dataDir,
    databaseUrl: url.toString(),
    drop: async () => {
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await removeDir();
    },
  };
}

/**
 * A fresh database for the enclosing describe block, opened (so migrated) in beforeAll and
 * dropped in afterAll. Call at describe level; use the returned getter inside tests.
 */
export function useTestDatabase(provider: DatabaseProvider): () => TestDatabase {
  let current: TestDatabase | undefined;
  let scratch: ScratchDatabase | undefined;
  const opened: Database[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase(provider);
    const { dataDir, databaseUrl } = scratch;
    const open = async () => {
      const db = await openDatabase({ databaseUrl, dataDir });
      opened.push(db);
      return db;
    };
    current = { provider, db: await open(), dataDir, databaseUrl, open };
  });

  afterAll(async () => {
    await Promise.all(opened.map((db) => db.close()));
    await scratch?.drop();
  });

  return () => {
    if (!current) throw new Error('useTestDatabase: the database is opened in beforeAll');
    return current;
  };
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL} (set GENLAB_TEST_POSTGRES_URL, or start it: ` +
        'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start)',
      { cause: error },
    );
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
