#!/usr/bin/env node
// Renders the provider schemas from prisma/models.prisma, then generates one Prisma client
// per provider into libs/db/src/generated/<provider> (gitignored). Runs the Prisma CLI
// with node directly (no npm/npx). `prisma generate` never runs the schema engine, but the
// CLI downloads one unless PRISMA_SCHEMA_ENGINE_BINARY names a file: any path will do.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative } from 'node:path';
import { clientDir, providers, schemaPath, writeSchemas } from './render-schemas.mjs';

const require = createRequire(import.meta.url);
const prismaCli = require.resolve('prisma/build/index.js');

writeSchemas();
for (const provider of providers) {
  rmSync(clientDir(provider), { recursive: true, force: true });
  const { status } = spawnSync(process.execPath, [prismaCli, 'generate', '--schema', schemaPath(provider)], {
    stdio: 'inherit',
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
  });
  if (status !== 0) {
    console.error(`prisma generate failed for ${relative(process.cwd(), schemaPath(provider))}`);
    process.exit(status ?? 1);
  }
}
