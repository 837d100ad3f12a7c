#!/usr/bin/env node
// `npm test`: generate and build what is stale, check lint and types, run the unit suites,
// the end-to-end suite and the security suite, and close with one line summed over every suite's own report:
// "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const reports = join(ROOT, 'test-results');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const bin = (name) => join(ROOT, 'node_modules/.bin', name);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NX_NO_CLOUD: 'true', NX_DAEMON: 'false' };

function run(label, command, args) {
  console.log(`\n=== ${label}: ${command.replace(ROOT + '/', '')} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: ROOT, env, stdio: 'inherit' });
  return result.status === 0;
}

const steps = [
  ['generate, build', bin('nx'), ['run-many', '-t', 'generate', 'build', '--outputStyle=static']],
  ['lint, typecheck', bin('nx'), ['run-many', '-t', 'lint', 'typecheck', '--outputStyle=static', '--parallel=2']],
];
let healthy = true;
for (const [label, command, args] of steps) healthy = run(label, command, args) && healthy;

const suites = [
  ['unit', 'vitest.config.mts'],
  ['e2e', 'tests/vitest.config.mts'],
  // Fuzzing and hostile input against the built services (tests/security; figures in SECURITY.md).
  ['security', 'tests/security/vitest.config.mts'],
];
let passed = 0;
let failed = 0;
for (const [name, config] of suites) {
  const outputFile = join(reports, `${name}.json`);
  run(`${name} tests`, bin('vitest'), ['run', '--config', config, '--reporter=default', '--reporter=json', `--outputFile=${outputFile}`]);
  try {
    const report = JSON.parse(readFileSync(outputFile, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    // A suite that crashed before its tests ran (e.g. a failing beforeAll) counts as a failure.
    if (!report.success && report.numFailedTests === 0) failed += 1;
  } catch {
    console.error(`no report from the ${name} suite`);
    failed += 1;
  }
}
if (!healthy) failed += 1;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
