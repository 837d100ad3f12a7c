#!/usr/bin/env node
// Renders prisma/<provider>/schema.prisma from prisma/models.prisma, the single source of
// truth for the data model: each provider's file is a datasource + generator header
// followed by the models verbatim. Run without arguments to write the files, with
// `--check` to fail (exit 1) when a committed file is out of date.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const providers = ['sqlite', 'postgresql'];
export const modelsPath = join(root, 'prisma/models.prisma');
export const schemaPath = (provider) => join(root, 'prisma', provider, 'schema.prisma');
export const clientDir = (provider) => join(root, 'libs/db/src/generated', provider);

/** The full schema text for one provider. */
export function renderSchema(provider, models = readFileSync(modelsPath, 'utf8')) {
  if (!providers.includes(provider)) throw new Error(`unknown provider '${provider}'`);
  const output = relative(dirname(schemaPath(provider)), clientDir(provider));
  return `// GENERATED from prisma/models.prisma by libs/db/tools/render-schemas.mjs: do not edit.

datasource db {
  provider = "${provider}"
}

generator client {
  provider            = "prisma-client"
  output              = "${output}"
  moduleFormat        = "cjs"
  importFileExtension = ""
}

${models}`;
}

/** Writes every provider's schema; returns the paths written. */
export function writeSchemas() {
  return providers.map((provider) => {
    const path = schemaPath(provider);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, renderSchema(provider));
    return path;
  });
}

/** Provider schemas whose committed text differs from a fresh render. */
export function staleSchemas() {
  return providers.filter((provider) => {
    try {
      return readFileSync(schemaPath(provider), 'utf8') !== renderSchema(provider);
    } catch {
      return true;
    }
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const stale = staleSchemas();
    if (stale.length > 0) {
      console.error(`out of date: ${stale.map(schemaPath).map((p) => relative(root, p)).join(', ')}`);
      console.error('run: node libs/db/tools/render-schemas.mjs');
      process.exit(1);
    }
  } else {
    for (const path of writeSchemas()) console.log(`wrote ${relative(root, path)}`);
  }
}
