import { defineConfig } from 'vitest/config';
import { genlabAliases } from '../../vitest.config.mts';

// Security and reliability suites: in-process fuzzing of the parsers, and hostile input thrown
// at the real services over gRPC (built first, as for the end-to-end suite). Each prints the
// figure it measures; SECURITY.md records them.
export default defineConfig({
  resolve: { alias: genlabAliases },
  test: {
    environment: 'node',
    pool: 'forks',
    include: ['tests/security/**/*.spec.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 240_000,
  },
});
