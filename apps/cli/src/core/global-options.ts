import { loadConfig } from '@genlab/config';
import type { GenlabAddresses } from '@genlab/client';
import { UsageError } from './cli-error';
import type { OptionSpec, OptionValues } from './command.types';

/** Flags every command accepts. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  json: { type: 'boolean', description: 'Machine-readable output: one JSON document on stdout, errors as JSON on stderr.' },
  server: { type: 'string', value: 'HOST', description: 'Reach all four services on HOST at their default ports (50051-50054).' },
  'datasets-url': { type: 'string', value: 'HOST:PORT', description: 'Datasets service address (default $GENLAB_DATASETS_URL or GENLAB_HOST:50051).' },
  'training-url': { type: 'string', value: 'HOST:PORT', description: 'Training service address (default $GENLAB_TRAINING_URL or GENLAB_HOST:50052).' },
  'evaluation-url': { type: 'string', value: 'HOST:PORT', description: 'Evaluation service address (default $GENLAB_EVALUATION_URL or GENLAB_HOST:50053).' },
  'generation-url': { type: 'string', value: 'HOST:PORT', description: 'Generation service address (default $GENLAB_GENERATION_URL or GENLAB_HOST:50054).' },
  token: { type: 'string', value: 'T', description: 'Send `authorization: Bearer T` on every call (default $GENLAB_TOKEN).' },
  timeout: { type: 'string', value: 'SECONDS', description: 'Deadline of each unary call (default 30; 600 for evaluate and grid).' },
  help: { type: 'boolean', short: 'h', description: 'Show help for the command.' },
};

/** The environment variables that locate the services; the CLI ignores the servers' other settings. */
const ADDRESS_ENV = /^GENLAB_(HOST|(DATASETS|TRAINING|EVALUATION|GENERATION)_(PORT|URL))$/;

export interface ConnectionSettings {
  addresses: GenlabAddresses;
  token?: string;
  timeoutMs?: number;
}

/** Addresses, token and deadline from the flags, falling back to the environment (`loadConfig`). */
export function resolveConnection(options: OptionValues, env: NodeJS.ProcessEnv): ConnectionSettings {
  const relevant = Object.fromEntries(Object.entries(env).filter(([key, value]) => ADDRESS_ENV.test(key) && value !== ''));
  let config;
  try {
    config = loadConfig(relevant);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const addresses: GenlabAddresses = { ...config.addresses };
  const server = options.server as string | undefined;
  if (server !== undefined) {
    const host = server.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
    if (!host || /[/\s]/.test(host)) throw new UsageError(`--server takes a host name or address, got '${server}'`);
    for (const name of Object.keys(addresses) as (keyof GenlabAddresses)[]) addresses[name] = `${host}:${config.ports[name]}`;
  }
  for (const name of Object.keys(addresses) as (keyof GenlabAddresses)[]) {
    const url = options[`${name}-url`] as string | undefined;
    if (url !== undefined) {
      if (!url.trim()) throw new UsageError(`--${name}-url must not be empty`);
      addresses[name] = url.replace(/^(grpc|http):\/\//i, '').replace(/\/+$/, '');
    }
  }
  const token = (options.token as string | undefined) ?? (env.GENLAB_TOKEN || undefined);
  return { addresses, token, timeoutMs: parseTimeout(options.timeout as string | undefined) };
}

function parseTimeout(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (!raw.trim() || !Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout must be a positive number of seconds, got '${raw}'`);
  return Math.round(seconds * 1000);
}
