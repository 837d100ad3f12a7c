import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on a module of this repository, wherever the service runs from:
 * compiled JavaScript (`dist/`, through `scripts/register-paths.cjs`, which maps the
 * `@genlab/*` aliases onto the compiled libs) or the TypeScript sources (tests, benchmarks:
 * through `libs/models/scripts/run-ts.mjs`, which compiles them with jiti and the aliases of
 * tsconfig.base.json). The parent's own preloads are not passed on (`execArgv: []`): they
 * expect a script path the worker lacks.
 */
export function startSourceWorker(entry: string, workerData: unknown): Worker {
  const root = repositoryRoot(dirname(entry));
  if (entry.endsWith('.ts')) {
    // run-ts.mjs takes the file to run from its arguments (appended after the worker's own two).
    const runTs = pathToFileURL(join(root, 'libs', 'models', 'scripts', 'run-ts.mjs')).href;
    const bootstrap = `import(${JSON.stringify(runTs)}).catch((error) => setImmediate(() => { throw error; }));`;
    return new Worker(bootstrap, { eval: true, execArgv: [], argv: [entry], workerData });
  }
  // register-paths finds the compiled libs from the entry script's path (process.argv[1]).
  const bootstrap = `process.argv[1] = ${JSON.stringify(entry)};
require(${JSON.stringify(join(root, 'scripts', 'register-paths.cjs'))});
require(${JSON.stringify(entry)});`;
  return new Worker(bootstrap, { eval: true, execArgv: [], workerData });
}

/** The folder holding tsconfig.base.json above `from` (the repository, or the image's /app). */
function repositoryRoot(from: string): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'tsconfig.base.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no tsconfig.base.json above ${from}`);
  }
}
