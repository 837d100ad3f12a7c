import { defineConfig } from 'vitest/config';
import { genlabAliases } from '../vitest.config.mts';

// Cross-service suites: real processes on loopback, one file at a time.
export default defineConfig({
  resolve: { alias: genlabAliases },
  test: {
    environment: 'node',
    pool: 'forks',
    include: ['tests/**/*.e2e.spec.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 240_000,
  },
});
