// Start, watch and stop genlab's processes (the four gRPC services and the dashboard).
// Shared by `npm start` and the end-to-end tests, so both run exactly the same commands.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import healthCheck from 'grpc-health-check';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SERVICES = ['datasets', 'training', 'evaluation', 'generation'];
const FULL_NAMES = {
  datasets: 'genlab.datasets.v1.DatasetService',
  training: 'genlab.training.v1.TrainingService',
  evaluation: 'genlab.evaluation.v1.EvaluationService',
  generation: 'genlab.generation.v1.GenerationService',
};

export function serviceCommand(name) {
  return [process.execPath, ['-r', join(ROOT, 'scripts/register-paths.cjs'), join(ROOT, `dist/apps/${name}-service/apps/${name}-service/src/main.js`)]];
}

export function dashboardCommand(port, host = '127.0.0.1') {
  return [process.execPath, [join(ROOT, 'node_modules/next/dist/bin/next'), 'start', join(ROOT, 'apps/dashboard'), '-p', String(port), '-H', host]];
}

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Spawn a process whose output lines are prefixed with its name. */
export function launch(name, [command, args], env, { quiet = false, log = process.stdout } = {}) {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const forward = (chunk) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      lines.push(line);
      if (lines.length > 500) lines.shift();
      if (!quiet) log.write(`[${name}] ${line}\n`);
    }
  };
  child.stdout.on('data', forward);
  child.stderr.on('data', forward);
  child.recentOutput = () => lines.join('\n');
  return child;
}

const healthProtoPath = healthCheck.protoPath;
let HealthClient;
function healthClient(address) {
  if (!HealthClient) {
    const definition = protoLoader.loadSync(healthProtoPath, { keepCase: true, enums: String, defaults: true });
    HealthClient = grpc.loadPackageDefinition(definition).grpc.health.v1.Health;
  }
  return new HealthClient(address, grpc.credentials.createInsecure());
}

/** Wait until a service's standard health check (grpc.health.v1.Health) answers SERVING. */
export async function waitForHealth(name, address, timeoutMs = 60_000, child) {
  const client = healthClient(address);
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      if (child && child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}:\n${child.recentOutput()}`);
      const status = await new Promise((done) =>
        client.Check({ service: FULL_NAMES[name] }, { deadline: Date.now() + 2000 }, (error, res) => done(error ? 'DOWN' : res.status)),
      );
      if (status === 'SERVING') return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${name} did not become healthy at ${address} within ${timeoutMs} ms${child ? `:\n${child.recentOutput()}` : ''}`);
  } finally {
    client.close();
  }
}

/** Ask a process to stop (SIGTERM), and kill it if it has not within `graceMs`. */
export function stop(child, graceMs = 10_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill('SIGTERM');
  });
}

/** The environment that points every process at the same ports, data dir and database. */
export function genlabEnv(base, { dataDir, ports, databaseUrl, importRoot }) {
  const env = {
    ...base,
    NEXT_TELEMETRY_DISABLED: '1',
    GENLAB_DATA_DIR: dataDir,
    GENLAB_DATASETS_PORT: String(ports.datasets),
    GENLAB_TRAINING_PORT: String(ports.training),
    GENLAB_EVALUATION_PORT: String(ports.evaluation),
    GENLAB_GENERATION_PORT: String(ports.generation),
    GENLAB_DASHBOARD_PORT: String(ports.dashboard),
  };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  if (importRoot) env.GENLAB_IMPORT_ROOT = importRoot;
  return env;
}
