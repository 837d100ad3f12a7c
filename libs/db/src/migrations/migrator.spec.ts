import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../database';
import { createScratchDatabase, PROVIDERS, useTestDatabase } from '../testing/test-database';
import { resolveDatabaseTarget } from './database-target';
import { listMigrationNames, providerMigrationsDir } from './migrations-directory';
import { Migrator } from './migrator';

const repoRoot = resolve(__dirname, '../../../..');
const migrationsRoot = join(repoRoot, 'prisma/migrations');

describe.each(PROVIDERS)('migrations on %s', (provider) => {
  const t = useTestDatabase(provider);
  const local = listMigrationNames(providerMigrationsDir(migrationsRoot, provider));
  const migrator = (schema?: string) => new Migrator(resolveDatabaseTarget(t().databaseUrl, t().dataDir), migrationsRoot, schema);

  it('has migrations for the provider', () => {
    expect(local.length).toBeGreaterThan(0);
  });

  it('applies every migration to an empty database on first open', () => {
    expect(t().db.appliedMigrations).toEqual(local);
  });

  it('applies nothing when a migrated database is opened again', async () => {
    const started = performance.now();
    const again = await t().open();
    const elapsed = performance.now() - started;
    expect(again.appliedMigrations).toEqual([]);
    expect(elapsed).toBeLessThan(2_000);
    console.info(`[${provider}] reopen of an up-to-date database: ${elapsed.toFixed(0)} ms`);
  });

  it('records them in _prisma_migrations as applied, with nothing pending, failed or edited', async () => {
    const m = migrator();
    try {
      expect(await m.pending()).toEqual([]);
      expect(await m.status()).toEqual({ provider, local, applied: local, pending: [], failed: [], edited: [], unknown: [] });
    } finally {
      await m.close();
    }
  });

  it('produces exactly the schema of prisma/models.prisma (no migration missing)', async () => {
    const m = migrator(readFileSync(join(repoRoot, 'prisma', provider, 'schema.prisma'), 'utf8'));
    try {
      expect(await m.diff()).toBeUndefined();
    } finally {
      await m.close();
    }
  });
});

describe.each(PROVIDERS)('first opens racing on an empty %s database', (provider) => {
  it('apply the migrations exactly once and all succeed', async () => {
    const scratch = await createScratchDatabase(provider);
    try {
      const opens = await Promise.all([1, 2, 3].map(() => openDatabase(scratch)));
      await Promise.all(opens.map((db) => db.close()));
      const applied = opens.map((db) => db.appliedMigrations);
      expect(applied.filter((names) => names.length > 0)).toHaveLength(1);
      expect(applied.flat()).toEqual(listMigrationNames(providerMigrationsDir(migrationsRoot, provider)));
    } finally {
      await scratch.drop();
    }
  });
});

describe.each(PROVIDERS)('a failing migration on %s', (provider) => {
  it('is reported with its name, blocks later applies, and can be marked rolled back and fixed', async () => {
    const scratch = await createScratchDatabase(provider);
    const root = mkdtempSync(join(tmpdir(), 'genlab-migrations-'));
    const script = join(root, provider, '20200101000000_broken', 'migration.sql');
    mkdirSync(join(script, '..'), { recursive: true });
    writeFileSync(script, 'CREATE TABLE "Thing" ("a" INTEGER,);\n'); // a syntax error, so nothing is half-applied
    const m = new Migrator(resolveDatabaseTarget(scratch.databaseUrl, scratch.dataDir), root);
    try {
      await expect(m.apply()).rejects.toThrow(/^migration 20200101000000_broken failed: [\s\S]*syntax error/);
      await expect(m.apply()).rejects.toThrow(/failed migrations/);
      expect(await m.status()).toMatchObject({ applied: [], failed: ['20200101000000_broken'] });

      await m.markRolledBack('20200101000000_broken');
      writeFileSync(script, 'CREATE TABLE "Thing" ("a" INTEGER);\n');
      expect(await m.apply()).toEqual(['20200101000000_broken']);
      expect(await m.status()).toMatchObject({ applied: ['20200101000000_broken'], pending: [], failed: [] });
    } finally {
      await m.close();
      await scratch.drop();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('provider schemas', () => {
  it('are the current render of prisma/models.prisma', () => {
    expect(() => execFileSync(process.execPath, [join(repoRoot, 'libs/db/tools/render-schemas.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
