import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, serviceAccessProblem } from '@genlab/config';

// docker/ cannot be built or started here (no Docker engine), so this checks what can be
// checked without one: compose.yaml and the Dockerfile against the commands and environment
// the end-to-end tests start (scripts/lib/services.mjs, tests/support/*), then runs the
// compose file's own commands for the migrations, the datasets service and a training worker
// on loopback and asks each image's health check.

type Services = typeof import('../../scripts/lib/services.mjs', { with: { 'resolution-mode': 'import' } });
const loadServices = (): Promise<Services> => import('../../scripts/lib/services.mjs');

// A YAML parser already in node_modules (eslint's), so genlab needs no dependency for one test.
const { load: parseYaml } = createRequire(__filename)('js-yaml') as { load(text: string): unknown };

const ROOT = resolve(__dirname, '../..');
const IMAGE_ROOT = '/app';
const SERVICE_NAMES = ['datasets', 'training', 'evaluation', 'generation'] as const;
type ServiceName = (typeof SERVICE_NAMES)[number];

interface ComposeService {
  build?: { context: string; dockerfile: string; target: string };
  image?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  profiles?: string[];
  deploy?: { replicas?: number; resources?: { reservations?: { devices?: { driver: string; capabilities: string[] }[] } } };
}
interface Compose {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

interface Stage {
  base: string;
  run: string;
  user?: string;
  cmd?: string[];
  healthcheck?: string[];
}

/** The Dockerfile's stages by name: base, RUN text, and the last USER, CMD, HEALTHCHECK CMD. */
function readStages(text: string): Map<string, Stage> {
  const stages = new Map<string, Stage>();
  const instructions = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  let current: Stage | undefined;
  for (const line of instructions) {
    const [keyword, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    const from = /^FROM\s+(\S+)\s+AS\s+(\S+)$/i.exec(line);
    if (from) stages.set(from[2]!, (current = { base: from[1]!, run: '' }));
    else if (!current) continue;
    else if (keyword === 'USER') current.user = args;
    else if (keyword === 'CMD') current.cmd = JSON.parse(args) as string[];
    else if (keyword === 'HEALTHCHECK') current.healthcheck = JSON.parse(args.replace(/^.*?\bCMD\s+/, '')) as string[];
    else if (keyword === 'RUN') current.run += `${args}\n`;
  }
  return stages;
}

/** A stage's setting, inherited through `FROM <stage>` as Docker does. */
function inherited<K extends 'user' | 'cmd' | 'healthcheck'>(stages: Map<string, Stage>, target: string, key: K): Stage[K] {
  for (let stage = stages.get(target); stage; stage = stages.get(stage.base)) {
    if (stage[key] !== undefined) return stage[key];
  }
  return undefined;
}

/** A command as the tests run it (absolute paths in the checkout) → as the image runs it. */
const inImage = ([, args]: [string, string[]]): string[] => ['node', ...args.map((arg) => arg.replace(ROOT, IMAGE_ROOT))];
/** A command as the image runs it → runnable from this checkout. */
const inCheckout = ([, ...args]: string[]): [string, string[]] => [process.execPath, args.map((arg) => arg.replace(IMAGE_ROOT, ROOT))];
/** Compose's `${VAR:-default}` with the defaults. */
const interpolated = (env: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')]));

const compose = parseYaml(readFileSync(join(ROOT, 'docker/compose.yaml'), 'utf8')) as Compose;
const stages = readStages(readFileSync(join(ROOT, 'docker/Dockerfile'), 'utf8'));
const defaults = loadConfig({});
/** Compose services running a genlab service: the four, the training workers (CPU and GPU). */
const serviceOf: Record<string, ServiceName> = {
  datasets: 'datasets',
  training: 'training',
  'training-worker': 'training',
  'training-worker-gpu': 'training',
  evaluation: 'evaluation',
  generation: 'generation',
};
const genlabContainers = ['migrate', 'admin', ...Object.keys(serviceOf), 'dashboard'];
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker/compose.yaml has no service '${name}'`);
  return found;
};
const commandOf = (name: string): string[] | undefined => service(name).command ?? inherited(stages, service(name).build!.target, 'cmd');

let services: Services;
beforeAll(async () => {
  services = await loadServices();
});

describe('docker/compose.yaml and docker/Dockerfile', () => {
  it('run every service with the command the end-to-end tests start', () => {
    expect(new Set(services.SERVICES)).toEqual(new Set(SERVICE_NAMES));
    for (const [name, genlabService] of Object.entries(serviceOf)) {
      expect(commandOf(name), name).toEqual(inImage(services.serviceCommand(genlabService)));
    }
    expect(inherited(stages, 'training-gpu', 'cmd')).toEqual(inImage(services.serviceCommand('training')));
    expect(commandOf('dashboard')).toEqual(inImage(services.dashboardCommand(defaults.ports.dashboard, '0.0.0.0')));
    // tests/support/stack.ts applies migrations before starting anything, with the same script.
    expect(commandOf('migrate')).toEqual(['node', `${IMAGE_ROOT}/scripts/migrate.mjs`, 'deploy']);
    // `npm run admin --` runs the admin app's build output the same way.
    const adminMain = 'dist/apps/admin/apps/admin/src/main.js';
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.admin).toContain(`node -r ./scripts/register-paths.cjs ${adminMain}`);
    expect(service('admin').entrypoint).toEqual(['node', '-r', `${IMAGE_ROOT}/scripts/register-paths.cjs`, `${IMAGE_ROOT}/${adminMain}`]);
  });

  it('build every image from a Dockerfile target that exists and runs as a non-root user', () => {
    for (const name of genlabContainers) {
      const { build, image } = service(name);
      expect(build?.dockerfile, name).toBe('docker/Dockerfile');
      expect(stages.has(build!.target), `${name}: target '${build!.target}'`).toBe(true);
      expect(image, name).toMatch(new RegExp(`^genlab/${build!.target}:`));
      const user = inherited(stages, build!.target, 'user');
      // Numeric, so that orchestrators (runAsNonRoot) can tell it is not root.
      expect(user, `${name}: USER`).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
    }
    for (const name of ['postgres', 'redis']) expect(service(name).image).toMatch(new RegExp(`^${name}:\\d+$`));
  });

  it('give each genlab process the environment the end-to-end stack gives it, valid for libs/config', () => {
    const stackEnv = services.genlabEnv({}, { dataDir: '/data', ports: defaults.ports, databaseUrl: 'postgresql://x@postgres/genlab' });
    for (const name of genlabContainers) {
      const env = interpolated(service(name).environment ?? {});
      const expected = Object.keys(stackEnv).filter((key) => name !== 'dashboard' || key !== 'DATABASE_URL');
      for (const key of expected) expect(env[key], `${name}: ${key}`).toBeDefined();
      expect(env['GENLAB_DATA_DIR'], name).toBe('/data');
      expect(env['GENLAB_AUTH'], name).toBe('tokens');
      const config = loadConfig(env);
      expect(config.ports, `${name}: ports are libs/config's defaults`).toEqual(defaults.ports);
      expect(serviceAccessProblem(config), name).toBeUndefined();
      if (name !== 'dashboard') expect(config.databaseUrl, name).toMatch(/@postgres:5432\//);
    }
    // The dashboard reaches no database, only the services, by their compose names.
    const dashboard = loadConfig(interpolated(service('dashboard').environment!));
    expect(dashboard.databaseUrl).toBeUndefined();
    for (const name of SERVICE_NAMES) {
      expect(dashboard.addresses[name]).toBe(`${name}:${defaults.ports[name]}`);
      expect(service(name).ports, name).toEqual([`${defaults.ports[name]}:${defaults.ports[name]}`]);
    }
    expect(service('dashboard').ports).toEqual([`${defaults.ports.dashboard}:${defaults.ports.dashboard}`]);
    // The distributed queue as tests/e2e/training-workers.e2e.spec.ts runs it: one API, workers.
    const roles = { training: 'api', 'training-worker': 'worker', 'training-worker-gpu': 'worker' };
    for (const [name, role] of Object.entries(roles)) {
      const config = loadConfig(interpolated(service(name).environment!));
      expect(config, name).toMatchObject({ trainingRole: role, redisUrl: 'redis://redis:6379' });
    }
    for (const name of ['datasets', 'evaluation', 'generation', 'dashboard']) expect(service(name).environment!['REDIS_URL'], name).toBeUndefined();
  });

  it('share one artifact store and start in order: database, migrations, services, dashboard', () => {
    for (const name of genlabContainers.filter((n) => n !== 'migrate' && n !== 'dashboard')) {
      expect(service(name).volumes, name).toEqual(['genlab-data:/data']);
      expect(service(name).depends_on, name).toMatchObject({
        migrate: { condition: 'service_completed_successfully' },
        postgres: { condition: 'service_healthy' },
      });
    }
    expect(compose.volumes).toHaveProperty('genlab-data');
    expect(service('migrate').depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    for (const name of ['training', 'training-worker', 'training-worker-gpu']) {
      expect(service(name).depends_on!['redis'], name).toEqual({ condition: 'service_healthy' });
    }
    expect(service('dashboard').depends_on).toEqual(Object.fromEntries(SERVICE_NAMES.map((n) => [n, { condition: 'service_healthy' }])));
    // Whatever is waited for as healthy has a health check (compose's own, or its image's).
    for (const { depends_on = {} } of Object.values(compose.services)) {
      for (const [name, { condition }] of Object.entries(depends_on)) {
        if (condition !== 'service_healthy') continue;
        const own = service(name).healthcheck ?? (service(name).build && inherited(stages, service(name).build!.target, 'healthcheck'));
        expect(own, `${name}: health check`).toBeDefined();
      }
    }
  });

  it('check each service through the gRPC health service (scripts/healthcheck.mjs)', () => {
    for (const [name, genlabService] of Object.entries(serviceOf)) {
      expect(service(name).healthcheck, `${name}: compose keeps the image's check`).toBeUndefined();
      expect(inherited(stages, service(name).build!.target, 'healthcheck'), name).toEqual([
        'node',
        `${IMAGE_ROOT}/scripts/healthcheck.mjs`,
        genlabService,
      ]);
    }
  });

  it('scale the training workers, with a GPU variant on @tensorflow/tfjs-node-gpu', () => {
    const worker = service('training-worker');
    expect(worker.deploy?.replicas).toBeGreaterThanOrEqual(2);
    // `--scale training-worker=N` needs no fixed host port or container name.
    expect(worker.ports).toBeUndefined();
    expect(worker).not.toHaveProperty('container_name');
    const gpu = service('training-worker-gpu');
    expect(gpu.profiles).toEqual(['gpu']);
    expect(gpu.ports).toBeUndefined();
    expect(gpu.build?.target).toBe('training-gpu');
    expect(gpu.environment?.['GENLAB_TF_BACKEND']).toBe('tensorflow-gpu');
    expect(gpu.deploy?.resources?.reservations?.devices).toEqual([expect.objectContaining({ driver: 'nvidia', capabilities: ['gpu'] })]);
    // The binding's version is the one of the tfjs genlab is built on.
    const tfjs = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).dependencies['@tensorflow/tfjs'];
    const gpuRuns = [...stages.values()].map((stage) => stage.run).join('');
    expect(gpuRuns).toContain(`@tensorflow/tfjs-node-gpu@${tfjs}`);
    expect(inherited(stages, 'training-gpu', 'user')).toMatch(/^[1-9]/);
  });
});

describe("compose's commands, run here", () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'genlab-deploy-'));
  const redisUrl = process.env.GENLAB_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const queuePrefix = `genlab-deploy-${process.pid}`;
  const children: ReturnType<Services['launch']>[] = [];
  afterAll(async () => {
    await Promise.all(children.map((child) => services.stop(child)));
    rmSync(dataDir, { recursive: true, force: true });
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${queuePrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  /** A compose service's environment on loopback, SQLite in a temporary directory, local Redis. */
  const localEnv = (name: string, port: Partial<Record<ServiceName, number>>): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...interpolated(service(name).environment!) };
    delete env['DATABASE_URL'];
    Object.assign(env, { GENLAB_HOST: '127.0.0.1', GENLAB_DATA_DIR: dataDir, GENLAB_LOG_LEVEL: 'warn' });
    for (const [key, value] of Object.entries(port)) env[`GENLAB_${key.toUpperCase()}_PORT`] = String(value);
    if (env['REDIS_URL']) {
      env['REDIS_URL'] = redisUrl;
      env['GENLAB_QUEUE_PREFIX'] = queuePrefix;
    }
    return env;
  };
  /** The image's HEALTHCHECK command, run from the checkout: its exit code. */
  const imageHealthCheck = (name: string, env: NodeJS.ProcessEnv): number | null => {
    const [command, args] = inCheckout(inherited(stages, service(name).build!.target, 'healthcheck')!);
    return spawnSync(command, args, { cwd: ROOT, env, stdio: 'pipe', timeout: 30_000 }).status;
  };

  it('apply the migrations, then serve datasets and a training worker whose health checks answer SERVING with GENLAB_AUTH=tokens', async () => {
    execFileSync(...inCheckout(commandOf('migrate')!), { cwd: ROOT, env: localEnv('migrate', {}), stdio: 'pipe' });
    const ports = { datasets: await services.freePort(), training: await services.freePort() };
    for (const [name, genlabService] of [
      ['datasets', 'datasets'],
      ['training-worker', 'training'],
    ] as const) {
      const env = localEnv(name, { [genlabService]: ports[genlabService] });
      expect(env['GENLAB_AUTH']).toBe('tokens');
      const child = services.launch(name, inCheckout(commandOf(name)!), env, { quiet: !process.env.GENLAB_E2E_VERBOSE });
      children.push(child);
      await services.waitForHealth(genlabService, `127.0.0.1:${ports[genlabService]}`, 120_000, child);
      expect(imageHealthCheck(name, env), `${name}: HEALTHCHECK exit code`).toBe(0);
      await services.stop(child);
      // ...and the same check fails once the process is gone.
      expect(imageHealthCheck(name, env), `${name}: HEALTHCHECK after stop`).toBe(1);
    }
  });
});
