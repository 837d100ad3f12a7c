#!/usr/bin/env node
// Runs a TypeScript file of this repo with the @genlab/* path aliases resolved, through jiti
// (already in node_modules as a dependency of vite/eslint; no build step needed).
// Usage: node libs/models/scripts/run-ts.mjs <file.ts> [args...]
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createJiti } from 'jiti';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const { compilerOptions } = JSON.parse(readFileSync(resolve(root, 'tsconfig.base.json'), 'utf8'));
const alias = Object.fromEntries(Object.entries(compilerOptions.paths).map(([name, [target]]) => [name, resolve(root, target)]));

const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error('usage: run-ts.mjs <file.ts> [args...]');
  process.exit(2);
}
process.argv = [process.argv[0], resolve(file), ...args];
const jiti = createJiti(pathToFileURL(resolve(root, 'package.json')).href, { alias, interopDefault: true });
await jiti.import(resolve(file));
