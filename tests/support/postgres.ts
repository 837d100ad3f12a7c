import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The local PostgreSQL server's maintenance database (trust auth on 127.0.0.1:5432). */
export const POSTGRES_ADMIN_URL = process.env.GENLAB_TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** Runs one statement on the maintenance database. */
export async function postgresAdmin<T = unknown>(sql: string): Promise<T[]> {
  const client = new Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

export interface PrivateDatabase {
  readonly name: string;
  /** The connection URL of the new database. */
  readonly url: string;
  /** Drops it, closing any connection still open. */
  drop(): Promise<void>;
}

/** A new, empty database on the local server with a random name beginning `prefix`. */
export async function createPrivateDatabase(prefix: string): Promise<PrivateDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await postgresAdmin(`CREATE DATABASE ${name}`);
  return {
    name,
    url: POSTGRES_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`),
    drop: async () => void (await postgresAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}
