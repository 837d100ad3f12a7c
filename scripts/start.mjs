#!/usr/bin/env node
// `npm start`: build what is stale, start the four gRPC services and the dashboard on
// localhost, and seed a demo experiment on first start. Ctrl-C stops everything.
//   --services-only   no dashboard, no demo (containers, CI)
//   --no-demo         skip the demo seed
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT, SERVICES, dashboardCommand, genlabEnv, launch, serviceCommand, stop, waitForHealth } from './lib/services.mjs';
import { seedDemo } from './lib/demo.mjs';

const args = new Set(process.argv.slice(2));
const servicesOnly = args.has('--services-only');
const env = process.env;
const host = env.GENLAB_HOST ?? '127.0.0.1';
const ports = {
  datasets: Number(env.GENLAB_DATASETS_PORT ?? 50051),
  training: Number(env.GENLAB_TRAINING_PORT ?? 50052),
  evaluation: Number(env.GENLAB_EVALUATION_PORT ?? 50053),
  generation: Number(env.GENLAB_GENERATION_PORT ?? 50054),
  dashboard: Number(env.GENLAB_DASHBOARD_PORT ?? 3000),
};
const dataDir = resolve(env.GENLAB_DATA_DIR ?? '.data');
mkdirSync(dataDir, { recursive: true });

if (!args.has('--no-build')) {
  console.log('genlab: building (cached when nothing changed)…');
  const projects = servicesOnly ? 'tag:scope:server' : 'tag:type:app';
  // nx's own launcher, as npm links it (its entry moved between nx versions: do not hard-code it).
  execFileSync(resolve(ROOT, 'node_modules/.bin/nx'), ['run-many', '-t', 'build', `--projects=${projects}`, '--outputStyle=static'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

const childEnv = genlabEnv(env, { dataDir, ports, databaseUrl: env.DATABASE_URL, importRoot: env.GENLAB_IMPORT_ROOT });
console.log(`genlab: applying database migrations (${env.DATABASE_URL ? 'PostgreSQL' : `SQLite in ${dataDir}`})`);
execFileSync(process.execPath, [resolve(ROOT, 'scripts/migrate.mjs'), 'deploy'], { cwd: ROOT, env: childEnv, stdio: 'inherit' });

const children = new Map();
let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  console.log('\ngenlab: stopping…');
  await Promise.all([...children.values()].map((child) => stop(child)));
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

for (const name of SERVICES) {
  const child = launch(name, serviceCommand(name), childEnv);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`genlab: ${name} service exited (${signal ?? code}); stopping everything`);
      void shutdown(1);
    }
  });
  children.set(name, child);
}
try {
  await Promise.all(SERVICES.map((name) => waitForHealth(name, `${host}:${ports[name]}`, 120_000, children.get(name))));
} catch (error) {
  console.error(`genlab: ${error.message}`);
  await shutdown(1);
}

if (!servicesOnly) {
  const dashboard = launch('dashboard', dashboardCommand(ports.dashboard, host), childEnv);
  dashboard.on('exit', (code) => !stopping && console.error(`genlab: dashboard exited (${code})`));
  children.set('dashboard', dashboard);
}

console.log(`
genlab is up (data in ${dataDir}):
  datasets    grpc://${host}:${ports.datasets}
  training    grpc://${host}:${ports.training}
  evaluation  grpc://${host}:${ports.evaluation}
  generation  grpc://${host}:${ports.generation}${servicesOnly ? '' : `\n  dashboard   http://${host}:${ports.dashboard}`}
Press Ctrl-C to stop.
`);

if (!servicesOnly && !args.has('--no-demo')) {
  seedDemo({ host, ports }).then(
    (result) => result && console.log(`genlab: demo run ${result.runId} is training — open http://${host}:${ports.dashboard}/runs/${result.runId}`),
    (error) => console.error(`genlab: demo seed failed: ${error.message}`),
  );
}
