#!/usr/bin/env node
// Prisma migrations for genlab, offline: the Prisma CLI's `migrate` needs a downloaded
// schema-engine binary, so this drives the WebAssembly schema engine through the same
// code `openDatabase()` uses at run time (libs/db/src/migrations, loaded from TypeScript).
//
//   node scripts/migrate.mjs dev --name <what> [--provider sqlite|postgresql]
//       Re-render prisma/<provider>/schema.prisma from prisma/models.prisma and write a new
//       migration for each provider from the diff between its migration history and the
//       schema. The history is replayed on a throwaway shadow database (in memory for
//       SQLite; a temporary database on the PostgreSQL server of --postgres-url, default
//       $DATABASE_URL if it is a postgres URL, else postgresql://postgres@127.0.0.1:5432/postgres).
//   node scripts/migrate.mjs deploy [--database-url <url>] [--data-dir <dir>]
//       Apply pending migrations (opening the database does this too).
//   node scripts/migrate.mjs status [--database-url <url>] [--data-dir <dir>]
//       Show applied / pending / failed migrations; exit code 1 unless up to date.
//   node scripts/migrate.mjs resolve --rolled-back <migration> | --applied <migration>
//       After a failed migration: mark it rolled back (its partial changes were undone by
//       hand; it runs again on the next deploy) or applied (it was completed by hand).
//   node scripts/migrate.mjs check [--provider ...] [--postgres-url <url>]
//       Exit code 1 if models.prisma has changes no migration captures (for CI).
//
// The database is $DATABASE_URL / --database-url when it is a postgres:// URL, otherwise
// the SQLite file <data dir>/genlab.db with --data-dir, $GENLAB_DATA_DIR or .data.
import { mkdirSync, readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { providers, renderSchema, writeSchemas } from '../libs/db/tools/render-schemas.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const migrationsRoot = resolve(root, 'prisma/migrations');
const require = createRequire(import.meta.url);

/** Lets `require` load the TypeScript sources of libs/db/src/migrations (transpile only). */
function registerTypeScript() {
  const ts = require('typescript');
  Module._extensions['.ts'] = (module, filename) => {
    const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.Node16, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    module._compile(outputText, filename);
  };
}

registerTypeScript();
const { Migrator } = require('../libs/db/src/migrations/migrator.ts');
const { resolveDatabaseTarget } = require('../libs/db/src/migrations/database-target.ts');

const usage = `usage: node scripts/migrate.mjs <dev --name <what> | deploy | status | resolve | check> [options]
  --name <what>          migration name (dev)
  --rolled-back <name>   mark a failed migration rolled back (resolve)
  --applied <name>       mark a migration applied without running it (resolve)
  --provider <p>         sqlite | postgresql (dev, check; default: both)
  --postgres-url <url>   server for PostgreSQL shadow databases (dev, check)
  --database-url <url>   database to deploy to / inspect (default: $DATABASE_URL)
  --data-dir <dir>       SQLite data directory (default: $GENLAB_DATA_DIR or .data)`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    'rolled-back': { type: 'string' },
    applied: { type: 'string' },
    provider: { type: 'string' },
    'postgres-url': { type: 'string' },
    'database-url': { type: 'string' },
    'data-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

const commands = { dev, deploy, status, resolve: resolveFailed, check };
const command = commands[positionals[0] ?? ''];
if (values.help || !command) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}

try {
  process.exitCode = (await command()) ?? 0;
} catch (error) {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}

async function dev() {
  if (!values.name) throw new Error('dev needs --name <what>');
  for (const path of writeSchemas()) console.log(`rendered ${relative(root, path)}`);
  for (const provider of selectedProviders()) {
    const folder = await withMigrator(authoringTarget(provider), renderSchema(provider), (m) => m.createMigration(values.name));
    console.log(folder ? `${provider}: created prisma/migrations/${provider}/${folder}/migration.sql` : `${provider}: no schema changes`);
  }
}

async function deploy() {
  const target = deploymentTarget();
  const applied = await withMigrator(target, undefined, (m) => m.apply());
  console.log(`${describe(target)}: ${applied.length ? `applied ${applied.join(', ')}` : 'already up to date'}`);
}

async function status() {
  const target = deploymentTarget();
  const s = await withMigrator(target, undefined, (m) => m.status());
  console.log(`${describe(target)}: ${s.local.length} migration(s) in prisma/migrations/${s.provider}`);
  const show = (label, names) => names.length && console.log(`  ${label}:\n${names.map((n) => `    ${n}`).join('\n')}`);
  show('applied', s.applied);
  show('pending', s.pending);
  show('failed (resolve by hand)', s.failed);
  show('edited after being applied', s.edited);
  show('applied but not in the directory', s.unknown);
  const upToDate = s.pending.length === 0 && s.failed.length === 0;
  console.log(upToDate ? '  database schema is up to date' : '  database schema is NOT up to date');
  return upToDate ? 0 : 1;
}

async function resolveFailed() {
  const rolledBack = values['rolled-back'];
  const applied = values.applied;
  if ((rolledBack === undefined) === (applied === undefined)) throw new Error('resolve needs one of --rolled-back <migration> or --applied <migration>');
  const target = deploymentTarget();
  await withMigrator(target, undefined, (m) => (rolledBack ? m.markRolledBack(rolledBack) : m.markApplied(applied)));
  console.log(`${describe(target)}: marked ${rolledBack ?? applied} ${rolledBack ? 'rolled back' : 'applied'}`);
}

async function check() {
  let clean = true;
  for (const provider of selectedProviders()) {
    const schemaFile = resolve(root, 'prisma', provider, 'schema.prisma');
    if (readFileSync(schemaFile, 'utf8') !== renderSchema(provider)) {
      console.log(`${provider}: ${relative(root, schemaFile)} is stale (run: npx nx run db:generate)`);
      clean = false;
    }
    const script = await withMigrator(authoringTarget(provider), renderSchema(provider), (m) => m.diff());
    if (script) console.log(`${provider}: models.prisma has changes without a migration:\n${script}`);
    else console.log(`${provider}: migrations match models.prisma`);
    clean &&= !script;
  }
  return clean ? 0 : 1;
}

async function withMigrator(target, schema, run) {
  const migrator = new Migrator(target, migrationsRoot, schema);
  try {
    return await run(migrator);
  } finally {
    await migrator.close();
  }
}

function selectedProviders() {
  if (values.provider === undefined) return providers;
  if (!providers.includes(values.provider)) throw new Error(`--provider must be one of ${providers.join(', ')}`);
  return [values.provider];
}

/** Authoring only reads the main database; the history is replayed on a shadow database. */
function authoringTarget(provider) {
  if (provider === 'sqlite') return { provider, url: ':memory:' };
  const env = process.env.DATABASE_URL;
  const url = values['postgres-url'] ?? (env && /^postgres(ql)?:\/\//i.test(env) ? env : 'postgresql://postgres@127.0.0.1:5432/postgres');
  return { provider, url };
}

function deploymentTarget() {
  const dataDir = values['data-dir'] ?? process.env.GENLAB_DATA_DIR ?? resolve(root, '.data');
  const url = values['database-url'] ?? process.env.DATABASE_URL;
  // As in @genlab/config: DATABASE_URL is PostgreSQL's; SQLite lives in the data dir.
  if (url && !/^postgres(ql)?:\/\//i.test(url)) {
    console.error('DATABASE_URL must be a postgresql:// URL (for SQLite, leave it unset and set GENLAB_DATA_DIR)');
    process.exit(2);
  }
  const target = resolveDatabaseTarget(url, dataDir);
  if (target.provider === 'sqlite') mkdirSync(dirname(target.url), { recursive: true });
  return target;
}

function describe(target) {
  return target.provider === 'sqlite' ? `sqlite ${target.url}` : `postgresql ${target.url.replace(/\/\/[^@/]*@/, '//***@')}`;
}
