import type { ChildProcess } from 'node:child_process';

// Extra training service processes beside a stack (workers of the distributed queue), started
// with the same command as every service (scripts/lib/services.mjs) on free loopback ports.
type Services = typeof import('../../scripts/lib/services.mjs', { with: { 'resolution-mode': 'import' } });
const loadServices = (): Promise<Services> => import('../../scripts/lib/services.mjs');

export interface TrainingProcess {
  readonly name: string;
  readonly address: string;
  readonly child: ChildProcess & { recentOutput(): string };
  /** How runs it holds name it: `<host>:<pid>`. */
  readonly pid: number;
}

export interface TrainingProcessOptions {
  readonly dataDir: string;
  readonly databaseUrl?: string;
  /** e.g. REDIS_URL, GENLAB_TRAINING_ROLE, GENLAB_QUEUE_PREFIX. */
  readonly env: Record<string, string>;
}

/** Start one more training service process and wait until its health check says SERVING. */
export async function launchTrainingProcess(name: string, options: TrainingProcessOptions): Promise<TrainingProcess> {
  const services = await loadServices();
  const port = await services.freePort();
  const ports = { datasets: 0, training: port, evaluation: 0, generation: 0, dashboard: 0 };
  const env = {
    ...services.genlabEnv(process.env, { dataDir: options.dataDir, ports, databaseUrl: options.databaseUrl }),
    GENLAB_LOG_LEVEL: 'warn',
    ...options.env,
  };
  const child = services.launch(name, services.serviceCommand('training'), env, { quiet: !process.env['GENLAB_E2E_VERBOSE'] });
  const address = `127.0.0.1:${port}`;
  try {
    await services.waitForHealth('training', address, 120_000, child);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { name, address, child, pid: child.pid as number };
}

/** SIGKILL: no drain, no goodbye; resolves once the process is gone. */
export function killHard(process: TrainingProcess): Promise<void> {
  if (process.child.exitCode !== null || process.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    process.child.once('exit', () => resolve());
    process.child.kill('SIGKILL');
  });
}

export async function stopTrainingProcess(process: TrainingProcess): Promise<void> {
  await (await loadServices()).stop(process.child);
}
