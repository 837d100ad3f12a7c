import type { SchemaEngine } from '@prisma/schema-engine-wasm' with { 'resolution-mode': 'import' };
import type { DatabaseProvider, DatabaseTarget } from './database-target';
import { createMigrationAdapterFactory, type MigrationAdapterFactory } from './migration-adapters';
import {
  listMigrationNames,
  migrationFolderName,
  providerMigrationsDir,
  readMigrationList,
  writeMigration,
} from './migrations-directory';
import { createSchemaEngine, decodeEngineError } from './schema-engine';
import { withSqliteMigrationLock } from './sqlite-migration.lock';

const NO_FILTERS = { externalTables: [], externalEnums: [] };

export interface MigrationStatus {
  readonly provider: DatabaseProvider;
  /** Folders in the migrations directory, in order. */
  readonly local: readonly string[];
  /** Successfully applied (and not rolled back) according to `_prisma_migrations`. */
  readonly applied: readonly string[];
  readonly pending: readonly string[];
  /** Started but never finished: needs a fix by hand before anything else applies. */
  readonly failed: readonly string[];
  /** Applied, but the script on disk changed since. */
  readonly edited: readonly string[];
  /** Applied to the database but missing from the directory. */
  readonly unknown: readonly string[];
}

interface AppliedRows {
  readonly applied: Set<string>;
  readonly failed: Set<string>;
}

/**
 * Applies and authors Prisma migrations through the WebAssembly schema engine, offline.
 * Migrations live in `<migrationsRoot>/<provider>/` in Prisma's standard format and are
 * recorded in the standard `_prisma_migrations` table. The engine is loaded only when
 * something is pending: the common "up to date" check is a single query. One operation at
 * a time per instance.
 */
export class Migrator {
  private readonly adapters: MigrationAdapterFactory;
  readonly dir: string;

  constructor(
    readonly target: DatabaseTarget,
    migrationsRoot: string,
    private readonly schema?: string,
  ) {
    this.dir = providerMigrationsDir(migrationsRoot, target.provider);
    this.adapters = createMigrationAdapterFactory(target);
  }

  /** Names of migrations on disk that the database has not applied successfully. */
  async pending(): Promise<string[]> {
    const { applied } = await this.readAppliedRows();
    return this.localNames().filter((name) => !applied.has(name));
  }

  /**
   * Applies pending migrations; returns the names applied (empty when up to date). Safe to
   * call from several processes at once: PostgreSQL serialises them with the engine's
   * advisory lock, SQLite with a lock file (see withSqliteMigrationLock).
   */
  async apply(): Promise<string[]> {
    if (await this.isUpToDate()) return [];
    return this.exclusively(async () => {
      if (await this.isUpToDate()) return []; // another process applied them meanwhile
      const migrationsList = readMigrationList(this.dir, this.target.provider);
      const result = await this.withEngine((engine) => engine.applyMigrations({ migrationsList, filters: NO_FILTERS }));
      return result.appliedMigrationNames;
    });
  }

  async status(): Promise<MigrationStatus> {
    const local = this.localNames();
    const { applied, failed } = await this.readAppliedRows();
    const migrationsList = readMigrationList(this.dir, this.target.provider);
    // The engine's diagnosis fails without a migrations table; nothing can be edited then.
    const edited =
      applied.size === 0
        ? []
        : (
            await this.withEngine((engine) =>
              engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTERS }),
            )
          ).editedMigrationNames;
    return {
      provider: this.target.provider,
      local,
      applied: local.filter((name) => applied.has(name)),
      pending: local.filter((name) => !applied.has(name)),
      failed: [...failed],
      edited,
      unknown: [...applied].filter((name) => !local.includes(name)).sort(),
    };
  }

  /** Marks a failed migration as rolled back (after undoing its partial changes by hand) so it runs again. */
  async markRolledBack(name: string): Promise<void> {
    await this.withEngine((engine) => engine.markMigrationRolledBack({ migrationName: name }));
  }

  /** Records a migration as applied without running it (its changes were made by hand). */
  async markApplied(name: string): Promise<void> {
    const migrationsList = readMigrationList(this.dir, this.target.provider);
    await this.withEngine((engine) => engine.markMigrationApplied({ migrationName: name, migrationsList }));
  }

  /**
   * The SQL that takes a database from the migration history to `schema` (replayed on a
   * shadow database, so the target database itself is only read), or undefined when equal.
   */
  async diff(): Promise<string | undefined> {
    const schema = this.requireSchema();
    const migrationsList = readMigrationList(this.dir, this.target.provider);
    const result = await this.withEngine((engine) =>
      engine.diff({
        from: { tag: 'migrations', ...migrationsList },
        to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
        script: true,
        exitCode: null,
        filters: NO_FILTERS,
      }),
    );
    const script = result.stdout ?? '';
    return /^\s*(--[^\n]*\n?\s*)*$/.test(script) ? undefined : script;
  }

  /** Writes a new migration folder for the schema diff; returns its name, or undefined if no change. */
  async createMigration(name: string): Promise<string | undefined> {
    const folder = migrationFolderName(name);
    const script = await this.diff();
    if (script === undefined) return undefined;
    await writeMigration(this.dir, this.target.provider, folder, script);
    return folder;
  }

  /** Closes any connection still open (each operation already closes its own). */
  async close(): Promise<void> {
    await this.adapters.dispose();
  }

  private async isUpToDate(): Promise<boolean> {
    const { applied, failed } = await this.readAppliedRows();
    return failed.size === 0 && this.localNames().every((name) => applied.has(name));
  }

  private exclusively<T>(run: () => Promise<T>): Promise<T> {
    return this.target.provider === 'sqlite' ? withSqliteMigrationLock(this.target.url, run) : run();
  }

  private localNames(): string[] {
    return listMigrationNames(this.dir);
  }

  private requireSchema(): string {
    if (this.schema === undefined) throw new TypeError('this Migrator was created without a schema');
    return this.schema;
  }

  /**
   * Runs one engine command on fresh connections and closes them afterwards: an engine
   * connection left open can keep SQLite's write lock (e.g. after a failed migration).
   */
  private async withEngine<T>(run: (engine: SchemaEngine) => Promise<T>): Promise<T> {
    try {
      const engine = await createSchemaEngine(this.adapters.bound, this.schema);
      try {
        return await run(engine);
      } finally {
        engine.free();
      }
    } catch (error) {
      throw decodeEngineError(error, this.adapters.bound);
    } finally {
      await this.adapters.dispose();
    }
  }

  private async readAppliedRows(): Promise<AppliedRows> {
    const connection = await this.adapters.connect();
    try {
      const exists = await connection.queryRaw({ sql: MIGRATIONS_TABLE_EXISTS[this.target.provider], args: [], argTypes: [] });
      if (exists.rows.length === 0) return { applied: new Set(), failed: new Set() };
      const { rows } = await connection.queryRaw({
        sql: 'SELECT migration_name, finished_at, rolled_back_at FROM "_prisma_migrations"',
        args: [],
        argTypes: [],
      });
      const applied = new Set<string>();
      const failed = new Set<string>();
      for (const [name, finishedAt, rolledBackAt] of rows) {
        if (rolledBackAt !== null) continue;
        (finishedAt === null ? failed : applied).add(String(name));
      }
      return { applied, failed };
    } finally {
      await connection.dispose();
    }
  }
}

const MIGRATIONS_TABLE_EXISTS: Record<DatabaseProvider, string> = {
  sqlite: `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'`,
  postgresql: `SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = '_prisma_migrations'`,
};
