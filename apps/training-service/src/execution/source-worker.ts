import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on a module of this repository, wherever the service runs from:
 * compiled JavaScript (`dist/`, where `scripts/register-paths.cjs` maps the `@genlab/*`
 * aliases onto the compiled libs) or the TypeScript sources (tests, benchmarks: jiti compiles
 * them, with the aliases of tsconfig.base.json, as `run-ts.mjs` does). The parent's own
 * preloads are not passed on (`execArgv: []`): they expect a script path the worker lacks.
 */
export function startSourceWorker(entry: string, workerData: unknown): Worker {
  const root = repositoryRoot(dirname(entry));
  const bootstrap = entry.endsWith('.ts') ? typescriptBootstrap(root, entry) : javascriptBootstrap(root, entry);
  return new Worker(bootstrap, { eval: true, execArgv: [], workerData });
}

/** The folder holding tsconfig.base.json above `from` (the repository, or the image's /app). */
function repositoryRoot(from: string): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'tsconfig.base.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no tsconfig.base.json above ${from}`);
  }
}

function javascriptBootstrap(root: string, entry: string): string {
  // register-paths finds the compiled libs from the entry script's path (process.argv[1]).
  return `process.argv[1] = ${JSON.stringify(entry)};
require(${JSON.stringify(join(root, 'scripts', 'register-paths.cjs'))});
require(${JSON.stringify(entry)});`;
}

function typescriptBootstrap(root: string, entry: string): string {
  const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
  const alias = Object.fromEntries(Object.entries(compilerOptions.paths).map(([name, [target]]) => [name, resolve(root, target as string)]));
  return `const { createJiti } = require(${JSON.stringify(createRequire(join(root, 'package.json')).resolve('jiti'))});
const jiti = createJiti(${JSON.stringify(join(root, 'package.json'))}, { alias: ${JSON.stringify(alias)}, interopDefault: true });
jiti.import(${JSON.stringify(entry)}).catch((error) => { setImmediate(() => { throw error; }); });`;
}
