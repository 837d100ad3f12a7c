import { randomUUID } from 'node:crypto';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  type ErrorCapturingSqlMigrationAwareDriverAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { SQLITE_BUSY_TIMEOUT_MS, type DatabaseTarget } from './database-target';

/** A driver adapter factory for the schema engine that can close what it opened. */
export interface MigrationAdapterFactory {
  readonly bound: ErrorCapturingSqlMigrationAwareDriverAdapterFactory;
  /** A plain connection to the main database (not handed to the engine). */
  connect(): Promise<SqlDriverAdapter>;
  dispose(): Promise<void>;
}

export function createMigrationAdapterFactory(target: DatabaseTarget): MigrationAdapterFactory {
  const open = new Set<SqlDriverAdapter>();
  const track = async (connecting: Promise<SqlDriverAdapter>): Promise<SqlDriverAdapter> => {
    const adapter = await connecting;
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      if (!open.delete(adapter)) return; // the engine and dispose() may both close it
      await dispose();
    };
    open.add(adapter);
    return adapter;
  };
  const base = target.provider === 'sqlite' ? sqliteFactory(target.url) : postgresFactory(target.url);
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: () => track(base.connect()),
    connectToShadowDb: () => track(base.connectToShadowDb()),
  };
  return {
    bound: bindMigrationAwareSqlAdapterFactory(factory),
    connect: () => factory.connect(),
    dispose: async () => {
      for (const adapter of [...open]) await adapter.dispose();
    },
  };
}

/**
 * better-sqlite3 prepares one statement at a time, but the engine replays whole migration
 * scripts on the (in-memory) shadow database through `executeRaw`: run those as scripts.
 */
function sqliteFactory(path: string): SqlMigrationAwareDriverAdapterFactory {
  const base = new PrismaBetterSqlite3({ url: path, timeout: SQLITE_BUSY_TIMEOUT_MS });
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: () => base.connect(),
    connectToShadowDb: async () => {
      const shadow = await base.connectToShadowDb();
      const executeRaw = shadow.executeRaw.bind(shadow);
      shadow.executeRaw = async (query) => {
        if (query.args.length > 0) return executeRaw(query);
        await shadow.executeScript(query.sql);
        return 0;
      };
      return shadow;
    },
  };
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/**
 * The engine reads catalog columns of PostgreSQL's one-byte type `"char"`, which the pg
 * adapter cannot map: pg returns their values as strings, so report them as text.
 */
class CharAsTextClient extends pg.Client {
  // pg's query() has many overloads (promise, callback, submittable); pass them all through.
  override query(...args: unknown[]): never {
    const patch = (result: unknown) => {
      for (const field of (result as Partial<pg.QueryResult> | undefined)?.fields ?? []) {
        if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
      }
      return result;
    };
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (error: unknown, result: unknown) => callback(error, error ? result : patch(result));
    }
    const returned = (super.query as (...a: unknown[]) => unknown)(...args);
    return (returned instanceof Promise ? returned.then(patch) : returned) as never;
  }
}

/**
 * The pg adapter's own shadow database is dropped while its pool is still connected, which
 * fails; create a uniquely named one and drop it after closing the pool.
 */
function postgresFactory(url: string): SqlMigrationAwareDriverAdapterFactory {
  const poolConfig = (connectionString: string): pg.PoolConfig => ({
    connectionString,
    max: 2,
    Client: CharAsTextClient as unknown as NonNullable<pg.PoolConfig['Client']>,
  });
  const base = new PrismaPg(poolConfig(url));
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: () => base.connect(),
    connectToShadowDb: async () => {
      const name = `genlab_shadow_${randomUUID().replace(/-/g, '')}`;
      const admin = await base.connect();
      try {
        await admin.executeScript(`CREATE DATABASE "${name}"`);
      } catch (error) {
        await admin.dispose();
        throw error;
      }
      const shadowUrl = new URL(url);
      shadowUrl.pathname = `/${name}`;
      const shadow = await new PrismaPg(poolConfig(shadowUrl.toString())).connect();
      const dispose = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        try {
          await dispose();
          await admin.executeScript(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        } finally {
          await admin.dispose();
        }
      };
      return shadow;
    },
  };
}
