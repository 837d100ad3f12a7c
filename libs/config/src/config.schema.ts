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
  GENLAB_WASM_THREADS: z.coerce.number().int().min(1).max(8).optional(),
  GENLAB_MAX_CONCURRENT_RUNS: z.coerce.number().int().min(1).max(64).default(1),
  GENLAB_KEEP_CHECKPOINTS: z.coerce.number().int().min(1).max(1_000).default(5),
  GENLAB_HEARTBEAT_MS: z.coerce.number().int().min(50).max(600_000).default(2_000),
  GENLAB_RUN_LEASE_MS: z.coerce.number().int().min(150).max(3_600_000).default(30_000),
  GENLAB_DB_RETRY_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  GENLAB_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)')
    .default('genlab'),
  GENLAB_QUEUE_LOCK_MS: z.coerce.number().int().min(500).max(3_600_000).default(30_000),
  GENLAB_TRAINING_ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  GENLAB_MAX_SAMPLE_COUNT: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  GENLAB_MODEL_CACHE_MB: z.coerce.number().int().min(1).max(1_000_000).default(512),
  GENLAB_MAX_CONCURRENT_EVALUATIONS: z.coerce.number().int().min(1).max(16).default(1),
  GENLAB_FEATURE_CLASSIFIER_EPOCHS: z.coerce.number().int().min(1).max(100).default(3),
  GENLAB_SWEEP_EVALUATION_POLL_MS: z.coerce.number().int().min(50).max(3_600_000).default(2000),
  GENLAB_LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  GENLAB_AUTH: z.enum(['open', 'tokens']).default('open'),
  GENLAB_SAMPLE_GRID_SHARE: z.coerce.number().min(0).max(1).default(1),
  GENLAB_CHECKPOINT_THREAD: z.enum(['grids', 'all', 'off']).default('all'),
  GENLAB_DATASET_CACHE_MB: z.coerce.number().int().min(0).max(1_000_000).default(256),
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
  /** XNNPACK threads of the wasm backend (unset: one; `@genlab/compute`'s wasm-threads.ts). */
  wasmThreads?: number;
  maxConcurrentRuns: number;
  /** Checkpoints kept per run besides the best one by validation loss. */
  keepCheckpoints: number;
  /** How often a training worker renews its claim on each run it trains. */
  heartbeatMs: number;
  /** A running run whose claim was not renewed for this long may be resumed by another worker. */
  runLeaseMs: number;
  /** How long database writes of a run (metrics, checkpoints, status) are retried through outages. */
  dbRetryMs: number;
  /** Redis for the distributed run queue (BullMQ); without it runs train in the training service's process. */
  redisUrl?: string;
  /** Prefix of every Redis key of the queue and of the run event channels. */
  queuePrefix: string;
  /** BullMQ job lock: a worker that has not renewed it for this long is stalled and its run goes to another worker. */
  queueLockMs: number;
  /** all: serve the API and train; api: serve the API only; worker: train only (health check served). */
  trainingRole: Env['GENLAB_TRAINING_ROLE'];
  maxSampleCount: number;
  /** Memory for loaded models in the generation service, in bytes. */
  modelCacheBytes: number;
  /** Evaluation jobs the evaluation service runs at once. */
  maxConcurrentEvaluations: number;
  /** Epochs of the per-dataset feature classifier (sample metrics' features). */
  featureClassifierEpochs: number;
  /** How often the evaluation service looks for completed sweep runs to evaluate (sweeps that ask for it). */
  sweepEvaluationPollMs: number;
  logLevel: Env['GENLAB_LOG_LEVEL'];
  /** 'tokens': every RPC needs a bearer token whose role allows it; 'open': no checks (loopback hosts only). */
  auth: Env['GENLAB_AUTH'];
  /**
   * Share of a run's training time its checkpoints' sample grids may take from the training
   * thread (with the checkpoint thread, only the sampling): 1 (the default) draws one at every
   * checkpoint; lower it (e.g. 0.02) to trade pictures for speed. The last step always gets one.
   */
  sampleGridShare: number;
  /**
   * What of a checkpoint's work runs on a thread of its own while training goes on (wasm and
   * cpu backends; with the native ones, everything stays on the training thread): 'all' (the
   * default) scores validation losses there, from the checkpoint's bytes into a model the
   * thread keeps for the run, and draws sample-grid pictures there; 'grids' only draws the
   * pictures; 'off' keeps both on the training thread. PERFORMANCE.md has the A/B runs.
   */
  checkpointThread: Env['GENLAB_CHECKPOINT_THREAD'];
  /**
   * Memory, in bytes, for the decoded datasets a training process keeps for its next runs (a
   * sweep's runs read and check their dataset's file once); 0 keeps none.
   */
  datasetCacheBytes: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parse and validate the environment once; throws ConfigError naming every bad variable.
 * A variable set to nothing (`GENLAB_WASM_THREADS=`, or a compose file's `${VAR:-}`) counts as
 * unset and takes its default, as genlab's own readers of the environment treat it.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GenlabConfig {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value?.trim())));
  const problems = parsed.success ? crossFieldProblems(parsed.data) : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  if (!parsed.success || problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
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
    wasmThreads: e.GENLAB_WASM_THREADS,
    maxConcurrentRuns: e.GENLAB_MAX_CONCURRENT_RUNS,
    keepCheckpoints: e.GENLAB_KEEP_CHECKPOINTS,
    heartbeatMs: e.GENLAB_HEARTBEAT_MS,
    runLeaseMs: e.GENLAB_RUN_LEASE_MS,
    dbRetryMs: e.GENLAB_DB_RETRY_MS,
    redisUrl: e.REDIS_URL,
    queuePrefix: e.GENLAB_QUEUE_PREFIX,
    queueLockMs: e.GENLAB_QUEUE_LOCK_MS,
    trainingRole: e.GENLAB_TRAINING_ROLE,
    maxSampleCount: e.GENLAB_MAX_SAMPLE_COUNT,
    modelCacheBytes: e.GENLAB_MODEL_CACHE_MB * 1024 * 1024,
    maxConcurrentEvaluations: e.GENLAB_MAX_CONCURRENT_EVALUATIONS,
    featureClassifierEpochs: e.GENLAB_FEATURE_CLASSIFIER_EPOCHS,
    sweepEvaluationPollMs: e.GENLAB_SWEEP_EVALUATION_POLL_MS,
    logLevel: e.GENLAB_LOG_LEVEL,
    auth: e.GENLAB_AUTH,
    sampleGridShare: e.GENLAB_SAMPLE_GRID_SHARE,
    checkpointThread: e.GENLAB_CHECKPOINT_THREAD,
    datasetCacheBytes: e.GENLAB_DATASET_CACHE_MB * 1024 * 1024,
  };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/** Whether a host name or address is this machine's loopback (services bound there are local only). */
export const isLoopbackHost = (host: string): boolean => LOOPBACK_HOSTS.has(host);

/**
 * For a service about to listen on `config.host`: the problem with its access settings, if
 * any. Running open (no access control) is allowed on loopback only. (Clients such as the CLI
 * read GENLAB_HOST as where to connect, so this is not a rule of the configuration itself.)
 */
export function serviceAccessProblem(config: Pick<GenlabConfig, 'auth' | 'host'>): string | undefined {
  if (config.auth === 'open' && !isLoopbackHost(config.host)) {
    return `GENLAB_AUTH: 'open' (no access control) is allowed only on a loopback host, not ${config.host}; set GENLAB_AUTH=tokens`;
  }
  return undefined;
}

/** Rules that involve several variables. */
function crossFieldProblems(e: Env): string[] {
  const problems: string[] = [];
  if (e.GENLAB_RUN_LEASE_MS < 3 * e.GENLAB_HEARTBEAT_MS) {
    problems.push('GENLAB_RUN_LEASE_MS: must be at least 3 × GENLAB_HEARTBEAT_MS, so a live worker never looks dead');
  }
  if (e.GENLAB_TRAINING_ROLE !== 'all' && !e.REDIS_URL) {
    problems.push(`GENLAB_TRAINING_ROLE: '${e.GENLAB_TRAINING_ROLE}' needs REDIS_URL (without Redis the training service trains its own runs: role 'all')`);
  }
  return problems;
}
