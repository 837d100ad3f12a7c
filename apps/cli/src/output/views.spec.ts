import { describe, expect, it } from 'vitest';
import { evaluationV1, trainingV1 } from '@genlab/contracts';
import { evaluationView, familyView, runView } from './views';

describe('views', () => {
  it('turns a run into plain JSON: status names, ISO times, parsed config', () => {
    const run: trainingV1.Run = {
      id: 'r1', experimentId: 'e1', datasetId: 'd1', family: 'vae', configJson: '{"latentDim":2}', seed: 7,
      status: trainingV1.RunStatus.RUN_STATUS_FAILED, statusReason: 'NON_FINITE_LOSS', error: 'loss became NaN',
      totalSteps: 40, stepsDone: 12, backend: 'cpu', worker: 'w1',
      createTime: { seconds: 1_800_000_000, nanos: 5_000_000 }, startTime: undefined, finishTime: undefined, heartbeatTime: undefined,
      tags: { priority: 'high' }, notes: 'diverged after lr warm-up',
    };
    const view = runView(run);
    expect(view).toMatchObject({ status: 'failed', statusReason: 'NON_FINITE_LOSS', config: { latentDim: 2 }, stepsDone: 12, totalSteps: 40 });
    expect(view).toMatchObject({ tags: { priority: 'high' }, notes: 'diverged after lr warm-up' });
    expect(view.createTime).toBe('2027-01-15T08:00:00.005Z');
    expect(view.startTime).toBeUndefined();
    expect(JSON.parse(JSON.stringify(view))).toMatchObject({ id: 'r1', seed: 7 });
  });

  it('lists only the capabilities a family has', () => {
    const family = familyView({
      name: 'vae', density: 'explicit-approximate', description: '', configSchemaJson: '{"type":"object"}',
      capabilities: { sample: true, logProb: false, elbo: true, iwae: true, encode: true, decode: true, conditional: false },
    });
    expect(family.capabilities).toEqual(['sample', 'elbo', 'iwae', 'encode', 'decode']);
    expect(family.configSchema).toEqual({ type: 'object' });
  });

  it('keeps a missing standard error missing', () => {
    const evaluation = evaluationView({
      id: 'v1', runId: 'r1', checkpointId: 'c1', status: evaluationV1.EvaluationStatus.EVALUATION_STATUS_COMPLETED, error: '',
      results: [{ metric: 'parzen', value: 1.5, unit: 'nats', estimator: 'parzen', stdError: undefined, sampleCount: 10, features: '' }],
      createTime: undefined, finishTime: undefined,
    });
    expect(evaluation.status).toBe('completed');
    expect(evaluation.results[0]).toEqual({ metric: 'parzen', value: 1.5, unit: 'nats', estimator: 'parzen', stdError: undefined, sampleCount: 10 });
  });
});
