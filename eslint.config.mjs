import nx from '@nx/eslint-plugin';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: ['**/dist', '**/.next', '**/generated', '**/node_modules', '.data', 'tmp', 'apps/dashboard/next-env.d.ts'],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // Layers: apps on top; server plumbing and data access in the middle; ML and shared below.
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:service-core', 'type:grpc', 'type:client', 'type:data-access', 'type:ml', 'type:contracts', 'type:util'] },
            { sourceTag: 'type:service-core', onlyDependOnLibsWithTags: ['type:grpc', 'type:client', 'type:data-access', 'type:ml', 'type:contracts', 'type:util'] },
            { sourceTag: 'type:grpc', onlyDependOnLibsWithTags: ['type:client', 'type:contracts', 'type:util'] },
            { sourceTag: 'type:client', onlyDependOnLibsWithTags: ['type:contracts', 'type:util'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:ml', onlyDependOnLibsWithTags: ['type:ml', 'type:util'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            // The dashboard talks to the services through gRPC clients only, never to the database or models.
            { sourceTag: 'scope:dashboard', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:server', onlyDependOnLibsWithTags: ['scope:server', 'scope:ml', 'scope:shared'] },
            { sourceTag: 'scope:ml', onlyDependOnLibsWithTags: ['scope:ml', 'scope:shared'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests state what they expect to exist; a failed `!` surfaces as a failed test.
    files: ['**/*.spec.ts', 'tests/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
