import { resolve } from 'node:path';
import { z } from 'zod';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/**
 * Every environment variable genlab reads, with its default. The README's configuration
 * table is written from this schema; keep the two in step.
 */
export const envSchema = z.object({
  GENLAB_DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL (for SQLite, leave it unset and set GENLAB_DATA_DIR)')
    .optional(),
  GENLAB_HOST: z.string().min(1).default('127.0.0.1'),
  GENLAB_DATASETS_PORT: port(50051),
  GENLAB_TRAINING_PORT: port(50052),
  GENLAB_EVALUATION_PORT: port(50053),
  GENLAB_GENERATION_PORT: port(50054),
  GENLAB_DASHBOARD_PORT: port(3000),
  GENLAB_DATASETS_URL: z.string().optional(),
  GENLAB_TRAINING_URL: z.string().optional(),
  GENLAB_EVALUATION_URL: z.string().optional(),
  GENLAB_GENERATION_URL: z.string().optional(),
  GENLAB_IMPORT_ROOT: z.string().optional(),
  GENLAB_TF_BACKEND: z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).optional(),
  GENLAB_MAX_CONCURRENT_RUNS: z.coerce.number().int().min(1).max(64).default(1),
  GENLAB_MAX_SAMPLE_COUNT: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  GENLAB_MODEL_CACHE_MB: z.coerce.number().int().min(1).max(1_000_000).default(512),
  GENLAB_LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
});

export type Env = z.infer<typeof envSchema>;

export interface ServiceAddresses {
  datasets: string;
  training: string;
  evaluation: string;
  generation: string;
}

export interface GenlabConfig {
  dataDir: string;
  databaseUrl?: string;
  host: string;
  ports: { datasets: number; training: number; evaluation: number; generation: number; dashboard: number };
  addresses: ServiceAddresses;
  importRoot: string;
  tfBackend?: Env['GENLAB_TF_BACKEND'];
  maxConcurrentRuns: number;
  maxSampleCount: number;
  /** Memory for loaded models in the generation service, in bytes. */
  modelCacheBytes: number;
  logLevel: Env['GENLAB_LOG_LEVEL'];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parse and validate the environment once; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GenlabConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.GENLAB_DATA_DIR);
  const local = (p: number) => `${e.GENLAB_HOST}:${p}`;
  return {
    dataDir,
    databaseUrl: e.DATABASE_URL,
    host: e.GENLAB_HOST,
    ports: {
      datasets: e.GENLAB_DATASETS_PORT,
      training: e.GENLAB_TRAINING_PORT,
      evaluation: e.GENLAB_EVALUATION_PORT,
      generation: e.GENLAB_GENERATION_PORT,
      dashboard: e.GENLAB_DASHBOARD_PORT,
    },
    addresses: {
      datasets: e.GENLAB_DATASETS_URL ?? local(e.GENLAB_DATASETS_PORT),
      training: e.GENLAB_TRAINING_URL ?? local(e.GENLAB_TRAINING_PORT),
      evaluation: e.GENLAB_EVALUATION_URL ?? local(e.GENLAB_EVALUATION_PORT),
      generation: e.GENLAB_GENERATION_URL ?? local(e.GENLAB_GENERATION_PORT),
    },
    importRoot: resolve(e.GENLAB_IMPORT_ROOT ?? resolve(dataDir, 'imports')),
    tfBackend: e.GENLAB_TF_BACKEND,
    maxConcurrentRuns: e.GENLAB_MAX_CONCURRENT_RUNS,
    maxSampleCount: e.GENLAB_MAX_SAMPLE_COUNT,
    modelCacheBytes: e.GENLAB_MODEL_CACHE_MB * 1024 * 1024,
    logLevel: e.GENLAB_LOG_LEVEL,
  };
}
