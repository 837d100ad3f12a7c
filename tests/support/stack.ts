import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createGenlabClients, type GenlabClients } from '@genlab/client';

// Plain ESM helpers shared with `npm start`, so the tests start exactly what users start.
type Services = typeof import('../../scripts/lib/services.mjs', { with: { 'resolution-mode': 'import' } });
const loadServices = (): Promise<Services> => import('../../scripts/lib/services.mjs');

export interface Stack {
  clients: GenlabClients;
  dataDir: string;
  dashboardUrl?: string;
  addresses: Record<'datasets' | 'training' | 'evaluation' | 'generation', string>;
  /** The running processes by name (the services started, and 'dashboard' if asked for). */
  processes: Record<string, ChildProcess>;
  stop(): Promise<void>;
}

export interface StackOptions {
  services?: readonly ('datasets' | 'training' | 'evaluation' | 'generation')[];
  dashboard?: boolean;
  databaseUrl?: string;
  importRoot?: string;
  extraEnv?: Record<string, string>;
}

const ROOT = resolve(__dirname, '../..');

/** Start genlab's real processes on free loopback ports with a fresh data directory. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const services = await loadServices();
  const names = options.services ?? services.SERVICES;
  for (const name of names) {
    if (!existsSync(join(ROOT, `dist/apps/${name}-service/apps/${name}-service/src/main.js`))) {
      throw new Error(`the ${name} service is not built: run \`npm test\` (it builds first) or \`npx nx run-many -t build\``);
    }
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'genlab-e2e-'));
  const ports = {
    datasets: await services.freePort(),
    training: await services.freePort(),
    evaluation: await services.freePort(),
    generation: await services.freePort(),
    dashboard: await services.freePort(),
  };
  const env = {
    ...services.genlabEnv(process.env, { dataDir, ports, databaseUrl: options.databaseUrl, importRoot: options.importRoot }),
    GENLAB_LOG_LEVEL: 'warn',
    ...options.extraEnv,
  };
  execFileSync(process.execPath, [join(ROOT, 'scripts/migrate.mjs'), 'deploy'], { cwd: ROOT, env, stdio: 'pipe' });

  const children: ChildProcess[] = [];
  const processes: Record<string, ChildProcess> = {};
  const addresses = {
    datasets: `127.0.0.1:${ports.datasets}`,
    training: `127.0.0.1:${ports.training}`,
    evaluation: `127.0.0.1:${ports.evaluation}`,
    generation: `127.0.0.1:${ports.generation}`,
  };
  const stopAll = async () => {
    await Promise.all(children.map((child) => services.stop(child)));
  };
  try {
    const launched = names.map((name) => {
      const child = services.launch(name, services.serviceCommand(name), env, { quiet: !process.env.GENLAB_E2E_VERBOSE });
      children.push(child);
      processes[name] = child;
      return [name, child] as const;
    });
    await Promise.all(launched.map(([name, child]) => services.waitForHealth(name, addresses[name], 120_000, child)));
    let dashboardUrl: string | undefined;
    if (options.dashboard) {
      const child = services.launch('dashboard', services.dashboardCommand(ports.dashboard), env, { quiet: !process.env.GENLAB_E2E_VERBOSE });
      children.push(child);
      processes.dashboard = child;
      dashboardUrl = `http://127.0.0.1:${ports.dashboard}`;
      await waitForHttp(dashboardUrl, 60_000, child);
    }
    const clients = createGenlabClients(addresses);
    return {
      clients,
      dataDir,
      dashboardUrl,
      addresses,
      processes,
      async stop() {
        clients.close();
        await stopAll();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopAll();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function waitForHttp(url: string, timeoutMs: number, child: ChildProcess & { recentOutput?: () => string }): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`dashboard exited (${child.exitCode}):\n${child.recentOutput?.()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`dashboard did not answer at ${url} within ${timeoutMs} ms`);
}
