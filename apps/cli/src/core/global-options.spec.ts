import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-error';
import { resolveConnection } from './global-options';

describe('resolveConnection', () => {
  it('defaults to GENLAB_HOST and the default ports, ignoring unrelated server settings', () => {
    const settings = resolveConnection({}, { DATABASE_URL: 'sqlite:nonsense', GENLAB_TF_BACKEND: 'quantum' });
    expect(settings.addresses).toEqual({ datasets: '127.0.0.1:50051', training: '127.0.0.1:50052', evaluation: '127.0.0.1:50053', generation: '127.0.0.1:50054' });
    expect(settings.token).toBeUndefined();
    expect(settings.timeoutMs).toBeUndefined();
  });

  it('takes addresses, host and ports from the environment through loadConfig', () => {
    const settings = resolveConnection({}, { GENLAB_HOST: 'box', GENLAB_TRAINING_PORT: '6000', GENLAB_GENERATION_URL: 'gen:7000' });
    expect(settings.addresses).toEqual({ datasets: 'box:50051', training: 'box:6000', evaluation: 'box:50053', generation: 'gen:7000' });
  });

  it('--server points all four at one host; per-service flags win over it', () => {
    const settings = resolveConnection({ server: 'gpu-box', 'training-url': 'grpc://trainer:9000/' }, { GENLAB_DATASETS_URL: 'elsewhere:1' });
    expect(settings.addresses).toEqual({ datasets: 'gpu-box:50051', training: 'trainer:9000', evaluation: 'gpu-box:50053', generation: 'gpu-box:50054' });
  });

  it('reads the token from --token, then GENLAB_TOKEN', () => {
    expect(resolveConnection({}, { GENLAB_TOKEN: 'from-env' }).token).toBe('from-env');
    expect(resolveConnection({ token: 'flag' }, { GENLAB_TOKEN: 'from-env' }).token).toBe('flag');
  });

  it('turns --timeout seconds into a deadline and rejects nonsense as a usage error', () => {
    expect(resolveConnection({ timeout: '2.5' }, {}).timeoutMs).toBe(2500);
    for (const bad of ['0', '-1', 'soon', '']) expect(() => resolveConnection({ timeout: bad }, {})).toThrow(UsageError);
    expect(() => resolveConnection({}, { GENLAB_TRAINING_PORT: 'abc' })).toThrow(/GENLAB_TRAINING_PORT/);
    expect(() => resolveConnection({ server: 'a/b' }, {})).toThrow(UsageError);
  });
});
