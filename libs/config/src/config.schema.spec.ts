import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, serviceAccessProblem } from './config.schema';

describe('loadConfig', () => {
  it('fills every default for an empty environment', () => {
    const config = loadConfig({});
    expect(config.ports).toEqual({ datasets: 50051, training: 50052, evaluation: 50053, generation: 50054, dashboard: 3000 });
    expect(config.addresses.training).toBe('127.0.0.1:50052');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.importRoot.endsWith('/.data/imports')).toBe(true);
  });

  it('uses PostgreSQL when DATABASE_URL points at one', () => {
    const config = loadConfig({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/genlab' });
    expect(config.databaseUrl).toBe('postgresql://postgres@127.0.0.1:5432/genlab');
  });

  it('takes a variable set to nothing as unset, so it gets its default', () => {
    const config = loadConfig({ GENLAB_WASM_THREADS: '', GENLAB_MAX_CONCURRENT_RUNS: ' ', DATABASE_URL: '', GENLAB_TF_BACKEND: '' });
    expect(config.wasmThreads).toBeUndefined();
    expect(config.maxConcurrentRuns).toBe(1);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.tfBackend).toBeUndefined();
    expect(loadConfig({ GENLAB_WASM_THREADS: '2' }).wasmThreads).toBe(2);
    expect(() => loadConfig({ GENLAB_WASM_THREADS: '0' })).toThrow(/GENLAB_WASM_THREADS/);
  });

  it('fails fast naming every bad variable', () => {
    const attempt = () => loadConfig({ GENLAB_TRAINING_PORT: '70000', DATABASE_URL: 'mysql://h/db' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/GENLAB_TRAINING_PORT/);
    expect(attempt).toThrow(/DATABASE_URL: must be a postgresql/);
    expect(() => loadConfig({ DATABASE_URL: 'file:./dev.db' })).toThrow(/GENLAB_DATA_DIR/);
  });

  it('reads the training fault-tolerance settings and refuses a lease a live worker could miss', () => {
    expect(loadConfig({})).toMatchObject({ keepCheckpoints: 5, heartbeatMs: 2_000, runLeaseMs: 30_000, dbRetryMs: 30_000 });
    expect(loadConfig({ GENLAB_KEEP_CHECKPOINTS: '2', GENLAB_HEARTBEAT_MS: '500', GENLAB_RUN_LEASE_MS: '1500' })).toMatchObject({
      keepCheckpoints: 2,
      heartbeatMs: 500,
      runLeaseMs: 1_500,
    });
    expect(() => loadConfig({ GENLAB_HEARTBEAT_MS: '5000', GENLAB_RUN_LEASE_MS: '10000' })).toThrow(/GENLAB_RUN_LEASE_MS: must be at least 3/);
    expect(() => loadConfig({ GENLAB_KEEP_CHECKPOINTS: '0' })).toThrow(/GENLAB_KEEP_CHECKPOINTS/);
  });

  it('reads the dataset cache in megabytes: 256 by default, 0 for none', () => {
    expect(loadConfig({}).datasetCacheBytes).toBe(256 * 1024 * 1024);
    expect(loadConfig({ GENLAB_DATASET_CACHE_MB: '0' }).datasetCacheBytes).toBe(0);
    expect(() => loadConfig({ GENLAB_DATASET_CACHE_MB: '-1' })).toThrow(/GENLAB_DATASET_CACHE_MB/);
    expect(() => loadConfig({ GENLAB_DATASET_CACHE_MB: '1.5' })).toThrow(/GENLAB_DATASET_CACHE_MB/);
  });

  it('uses Redis for the run queue when REDIS_URL is set, and allows split roles only then', () => {
    expect(loadConfig({})).toMatchObject({ redisUrl: undefined, queuePrefix: 'genlab', queueLockMs: 30_000, trainingRole: 'all' });
    const config = loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/2', GENLAB_TRAINING_ROLE: 'worker', GENLAB_QUEUE_PREFIX: 'team-a' });
    expect(config).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379/2', trainingRole: 'worker', queuePrefix: 'team-a' });
    expect(() => loadConfig({ GENLAB_TRAINING_ROLE: 'api' })).toThrow(/GENLAB_TRAINING_ROLE: 'api' needs REDIS_URL/);
    expect(() => loadConfig({ REDIS_URL: 'http://redis' })).toThrow(/REDIS_URL: must be a redis/);
    expect(() => loadConfig({ REDIS_URL: 'redis://h', GENLAB_QUEUE_PREFIX: 'a:b' })).toThrow(/GENLAB_QUEUE_PREFIX/);
  });
});

describe('serviceAccessProblem', () => {
  it('lets a service run open on loopback only, and anywhere with tokens', () => {
    expect(serviceAccessProblem({ auth: 'open', host: '127.0.0.1' })).toBeUndefined();
    expect(serviceAccessProblem({ auth: 'open', host: '::1' })).toBeUndefined();
    expect(serviceAccessProblem({ auth: 'open', host: '0.0.0.0' })).toMatch(/allowed only on a loopback host, not 0\.0\.0\.0; set GENLAB_AUTH=tokens/);
    expect(serviceAccessProblem({ auth: 'tokens', host: '0.0.0.0' })).toBeUndefined();
    // A client may still point GENLAB_HOST at another machine.
    expect(loadConfig({ GENLAB_HOST: 'box' }).host).toBe('box');
  });
});
