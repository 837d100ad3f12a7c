#!/usr/bin/env node
// `npm run bench [-- --quick] [-- <name> ...]`: runs the benchmark entries in bench/ one
// after another (each prints one JSON object per figure), then prints every figure in one
// table. Figures from one run are comparable as ratios; absolute times on shared machines
// are not.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const passThrough = args.filter((a) => a.startsWith('--'));
const only = args.filter((a) => !a.startsWith('--'));
const entries = readdirSync(join(ROOT, 'bench'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.replace(/\.ts$/, ''))
  .filter((name) => only.length === 0 || only.includes(name));

const figures = [];
let failures = 0;
for (const name of entries) {
  console.log(`\n=== bench/${name}`);
  const result = spawnSync(process.execPath, [join(ROOT, 'libs/models/scripts/run-ts.mjs'), join(ROOT, 'bench', `${name}.ts`), ...passThrough], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(result.stdout ?? '');
  if (result.status !== 0) failures++;
  for (const line of (result.stdout ?? '').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const figure = JSON.parse(line);
      if (figure.name !== undefined) figures.push({ entry: name, ...figure });
    } catch {
      // not a figure
    }
  }
}
console.log('\nAll figures:');
console.table(figures.map(({ entry, name, figure, unit, backend, reference }) => ({ entry, name, figure, unit, backend, reference })));
process.exit(failures ? 1 : 0);
