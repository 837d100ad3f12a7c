// Preloaded (`node -r ./scripts/register-paths.cjs <entry>`) by compiled services: maps the
// `@genlab/*` path aliases of tsconfig.base.json onto the compiled libs that sit beside the
// entry script in its build output folder (dist/apps/<app>/libs/...).
const { existsSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');
const tsconfigPaths = require('tsconfig-paths');
const { compilerOptions } = require('../tsconfig.base.json');

function outputRoot(entry) {
  for (let dir = dirname(resolve(entry)); dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'libs'))) return dir;
  }
  throw new Error(`no compiled libs found above ${entry}`);
}

const paths = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [alias, [target.replace(/\.ts$/, '')]]),
);
tsconfigPaths.register({ baseUrl: outputRoot(process.argv[1]), paths, addMatchAll: false });
