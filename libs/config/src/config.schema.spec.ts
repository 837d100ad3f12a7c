import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.schema';

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

  it('fails fast naming every bad variable', () => {
    const attempt = () => loadConfig({ GENLAB_TRAINING_PORT: '70000', DATABASE_URL: 'mysql://h/db' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/GENLAB_TRAINING_PORT/);
    expect(attempt).toThrow(/DATABASE_URL: must be a postgresql/);
    expect(() => loadConfig({ DATABASE_URL: 'file:./dev.db' })).toThrow(/GENLAB_DATA_DIR/);
  });
});
