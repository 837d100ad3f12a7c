import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, createGenlabClients, unary, type GenlabClients } from '@genlab/client';
import { datasetsV1, evaluationV1, generationV1, trainingV1 } from '@genlab/contracts';
import { startStack, type Stack } from '../support/stack';

// Access control with GENLAB_AUTH=tokens, walked exhaustively: every RPC of every service,
// called by no token, a revoked token, a viewer, the editor who owns the resources, another
// editor, and an admin. Prints how many calls got past the gate that should not have (must be 0).

const ROOT = resolve(__dirname, '../..');
const MODULES = { datasets: datasetsV1, training: trainingV1, evaluation: evaluationV1, generation: generationV1 } as const;
const DEFINITIONS = {
  datasets: datasetsV1.DatasetServiceService,
  training: trainingV1.TrainingServiceService,
  evaluation: evaluationV1.EvaluationServiceService,
  generation: generationV1.GenerationServiceService,
} as const;
type ServiceName = keyof typeof DEFINITIONS;

/** Which RPCs change an existing resource (owner or admin) or create (editor or admin); the rest read. */
const MODIFIES = new Set(['DeleteDataset', 'StopRun', 'UpdateRun', 'CancelEvaluation']);
const CREATES = new Set([
  'ImportIdx',
  'UploadIdx',
  'ImportImageArchive',
  'CreateSynthetic',
  'CreateExperiment',
  'StartRun',
  'StartSweep',
  'Evaluate',
  'StartEvaluation',
  'GetFeatureExtractor',
  'RenderSampleGrid',
  'ExportDecoder',
]);
type Caller = 'anonymous' | 'revoked' | 'viewer' | 'owner' | 'other-editor' | 'admin';
const CALLERS: Caller[] = ['anonymous', 'revoked', 'viewer', 'owner', 'other-editor', 'admin'];

function expectedAllowed(caller: Caller, rpc: string): boolean {
  if (caller === 'anonymous' || caller === 'revoked') return false;
  if (MODIFIES.has(rpc)) return caller === 'owner' || caller === 'admin';
  if (CREATES.has(rpc)) return caller !== 'viewer';
  return true;
}

let stack: Stack;
const clients = {} as Record<Caller, GenlabClients>;
const ids = { dataset: '', experiment: '', run: '', checkpoint: '', evaluation: '', artifact: '' };

function admin(...args: string[]): string {
  const env = { ...process.env, GENLAB_DATA_DIR: stack.dataDir, GENLAB_LOG_LEVEL: 'warn' };
  return execFileSync(process.execPath, ['-r', join(ROOT, 'scripts/register-paths.cjs'), join(ROOT, 'dist/apps/admin/apps/admin/src/main.js'), ...args], { cwd: ROOT, env, encoding: 'utf8' });
}

function createToken(role: string, name: string): { token: string; id: string } {
  const out = admin('tokens', 'create', '--role', role, '--name', name);
  return { token: /(glt_[A-Za-z0-9_-]+)/.exec(out)![1]!, id: /token ([0-9a-f-]{36})/.exec(out)![1]! };
}

/** A request with every field an RPC might read, filled from the fixtures. */
function requestFor(rpc: string): Record<string, unknown> {
  const idOf: Record<string, string> = {
    GetDataset: ids.dataset,
    DeleteDataset: ids.dataset,
    GetExperiment: ids.experiment,
    GetRun: ids.run,
    StopRun: ids.run,
    UpdateRun: ids.run,
    GetEvaluation: ids.evaluation,
    WatchEvaluation: ids.evaluation,
    CancelEvaluation: ids.evaluation,
  };
  return {
    id: idOf[rpc] ?? '',
    datasetId: ids.dataset,
    experimentId: ids.experiment,
    runId: ids.run,
    artifactId: ids.artifact,
    checkpointId: '',
    name: `${rpc}-${Math.random().toString(36).slice(2)}`,
    generator: 'ring8',
    numExamples: 600,
    testCount: 100,
    seed: 1,
    family: 'vae',
    configJson: JSON.stringify({ likelihood: 'gaussian', hiddenDims: [4], latentDim: 2, batchSize: 64, maxSteps: 2 }),
    metrics: ['neg_elbo'],
    maxExamples: 10,
    count: 4,
    imagesPath: 'nothing-here.idx',
    archivePath: 'nothing-here.zip',
    pageSize: 5,
    includeHistory: false,
    seedA: 1,
    seedB: 2,
    steps: 2,
    datasetIndices: [0],
    split: 0,
  };
}

/** Calls `rpc` as `caller`; resolves with the status code (OK = 0). */
async function callAs(caller: Caller, service: ServiceName, key: string): Promise<status> {
  const definition = (DEFINITIONS[service] as Record<string, { path: string; requestStream: boolean; responseStream: boolean }>)[key]!;
  const rpc = definition.path.split('/').pop()!;
  const client = clients[caller][service] as unknown as Record<string, (...args: unknown[]) => unknown>;
  const messages = MODULES[service] as unknown as Record<string, { fromPartial(o: object): unknown }>;
  const requestType = messages[`${rpc}Request`] ?? (rpc.endsWith('Evaluation') || rpc === 'Evaluate' ? messages.EvaluateRequest : undefined);
  const deadline = new Date(Date.now() + 60_000);
  try {
    if (definition.requestStream) {
      await new Promise<void>((resolvePromise, reject) => {
        const call = (client[key] as (m: Metadata, o: object, cb: (e: ServiceError | null) => void) => { end(): void }).call(client, new Metadata(), { deadline }, (error) =>
          error ? reject(error) : resolvePromise(),
        );
        call.end();
      });
    } else if (definition.responseStream) {
      await collect((client[key] as (r: unknown, o: object) => never).call(client, requestType!.fromPartial(requestFor(rpc)), { deadline }));
    } else {
      await unary(client[key] as never, client, requestType!.fromPartial(requestFor(rpc)) as never, { deadlineMs: 60_000 });
    }
    return status.OK;
  } catch (error) {
    return (error as ServiceError).code;
  }
}

beforeAll(async () => {
  stack = await startStack({ extraEnv: { GENLAB_AUTH: 'tokens', GENLAB_FEATURE_CLASSIFIER_EPOCHS: '1' } });
  const tokens = {
    admin: createToken('admin', 'root'),
    viewer: createToken('viewer', 'vera'),
    owner: createToken('editor', 'olga'),
    'other-editor': createToken('editor', 'eric'),
    revoked: createToken('editor', 'gone'),
  };
  admin('tokens', 'revoke', tokens.revoked.id);
  for (const caller of CALLERS) {
    clients[caller] = createGenlabClients(stack.addresses, caller === 'anonymous' ? {} : { token: tokens[caller].token });
  }
  // The owner's resources: a dataset, an experiment, a trained run with a checkpoint, an evaluation.
  const { datasets, training, evaluation } = clients.owner;
  ids.dataset = (await unary(datasets.createSynthetic, datasets, { name: 'ring8', generator: 'ring8', numExamples: 600, seed: 1, testCount: 100 })).id;
  ids.experiment = (await unary(training.createExperiment, training, { name: 'owned', description: '' })).id;
  const run = await unary(training.startRun, training, trainingV1.StartRunRequest.fromPartial({ ...requestFor('StartRun') }));
  ids.run = run.id;
  const events = await collect(training.streamRunEvents({ runId: run.id, includeHistory: false }));
  expect(events.at(-1)!.status!.status).toBe(trainingV1.RunStatus.RUN_STATUS_COMPLETED);
  ids.evaluation = (await unary(evaluation.evaluate, evaluation, evaluationV1.EvaluateRequest.fromPartial({ runId: run.id, metrics: ['neg_elbo'], maxExamples: 10 }))).id;
  ids.artifact = (await unary(training.listArtifacts, training, { runId: run.id, kind: '' })).artifacts[0]!.id;
}, 300_000);

afterAll(async () => {
  for (const client of Object.values(clients)) client?.close();
  await stack?.stop();
});

describe('access control (GENLAB_AUTH=tokens)', () => {
  it('lets no call through that the caller’s role and ownership do not allow, and refuses none that they do', async () => {
    const unauthorizedSuccesses: string[] = [];
    const wronglyRefused: string[] = [];
    const wrongCode: string[] = [];
    let calls = 0;
    // Reads and creates first; the calls that change the owner's resources last.
    const rpcs = (Object.keys(DEFINITIONS) as ServiceName[]).flatMap((service) =>
      Object.entries(DEFINITIONS[service]).map(([key, d]) => ({ service, key, rpc: d.path.split('/').pop()! })),
    );
    rpcs.sort((a, b) => Number(MODIFIES.has(a.rpc)) - Number(MODIFIES.has(b.rpc)));
    for (const { service, key, rpc } of rpcs) {
      for (const caller of CALLERS) {
        const code = await callAs(caller, service, key);
        calls++;
        const refused = code === status.UNAUTHENTICATED || code === status.PERMISSION_DENIED;
        const label = `${service}.${rpc} as ${caller}: ${status[code]}`;
        if (expectedAllowed(caller, rpc)) {
          if (refused) wronglyRefused.push(label);
        } else {
          if (!refused) unauthorizedSuccesses.push(label);
          const expected = caller === 'anonymous' || caller === 'revoked' ? status.UNAUTHENTICATED : status.PERMISSION_DENIED;
          if (refused && code !== expected) wrongCode.push(label);
        }
      }
    }
    console.log(
      `authorization: ${calls} calls (${rpcs.length} RPCs × ${CALLERS.length} callers): ${unauthorizedSuccesses.length} unauthorized successes, ${wronglyRefused.length} wrongly refused`,
    );
    expect(rpcs.length).toBeGreaterThanOrEqual(37);
    expect(unauthorizedSuccesses).toEqual([]);
    expect(wronglyRefused).toEqual([]);
    expect(wrongCode).toEqual([]);
  }, 600_000);

  it('records the creator as owner: another editor cannot stop a run, its owner and an admin can', async () => {
    const { training } = clients.owner;
    const run = await unary(training.startRun, training, trainingV1.StartRunRequest.fromPartial({ ...requestFor('StartRun'), configJson: JSON.stringify({ likelihood: 'gaussian', hiddenDims: [4], latentDim: 2, batchSize: 64, maxSteps: 100000 }) }));
    const other = clients['other-editor'].training;
    await expect(unary(other.stopRun, other, { id: run.id })).rejects.toMatchObject({ code: status.PERMISSION_DENIED, details: expect.stringContaining('belongs to someone else') });
    const stopped = await unary(training.stopRun, training, { id: run.id });
    expect(stopped.id).toBe(run.id);
  });
});
