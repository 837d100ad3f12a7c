import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

const libs = ['client', 'compute', 'config', 'contracts', 'data', 'db', 'errors', 'grpc', 'metrics', 'models', 'run-query', 'service-core'];

/** `@genlab/<lib>` → its sources, as tsconfig.base.json maps them. */
export const genlabAliases = Object.fromEntries(libs.map((name) => [`@genlab/${name}`, resolve(import.meta.dirname, `libs/${name}/src/index.ts`)]));

export default defineConfig({
  resolve: { alias: genlabAliases },
  test: {
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts'],
  },
});
