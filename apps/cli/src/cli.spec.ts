import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetsV1, trainingV1 } from '@genlab/contracts';
import { runCli } from './cli';
import { memoryIo } from './core/cli-io';

// The CLI against an in-process fake TrainingService: exit codes, error formats, auth metadata
// and the watch loop, without starting genlab's real services.

const run = (overrides: Partial<trainingV1.Run> = {}): trainingV1.Run => ({
  id: 'run-1', experimentId: 'exp-1', datasetId: 'ds-1', family: 'vae', configJson: '{}', seed: 1,
  status: trainingV1.RunStatus.RUN_STATUS_RUNNING, statusReason: '', error: '', totalSteps: 40, stepsDone: 0,
  backend: 'cpu', worker: 'w', createTime: undefined, startTime: undefined, finishTime: undefined, heartbeatTime: undefined,
  attempts: 1, tags: {}, notes: '',
  ...overrides,
});

const seen: { authorization: unknown[] } = { authorization: [] };
let server: Server;
let address: string;

const fake: UntypedServiceImplementation = {
  getRun(call: ServerUnaryCall<trainingV1.GetRunRequest, trainingV1.Run>, callback: sendUnaryData<trainingV1.Run>) {
    seen.authorization.push(call.metadata.get('authorization')[0]);
    if (call.request.id === 'missing') return callback({ code: status.NOT_FOUND, details: "run 'missing' was not found" });
    callback(null, run({ id: call.request.id, status: trainingV1.RunStatus.RUN_STATUS_COMPLETED, stepsDone: 40 }));
  },
  streamRunEvents(call: ServerWritableStream<trainingV1.StreamRunEventsRequest, trainingV1.RunEvent>) {
    seen.authorization.push(call.metadata.get('authorization')[0]);
    const outcome = call.request.runId === 'doomed' ? trainingV1.RunStatus.RUN_STATUS_FAILED : trainingV1.RunStatus.RUN_STATUS_COMPLETED;
    const base = { runId: call.request.runId, time: undefined };
    call.write({ ...base, status: run({ id: call.request.runId }) });
    if (call.request.runId === 'forever') {
      call.write({ ...base, progress: { stepsDone: 7, totalSteps: 40, epoch: 0, stepsPerSecond: 1 } });
      return; // never ends: the client has to detach
    }
    for (const step of [10, 20, 30, 40]) {
      call.write({ ...base, progress: { stepsDone: step, totalSteps: 40, epoch: 0, stepsPerSecond: 100 } });
      call.write({ ...base, metrics: { points: [{ key: 'train/loss', step, value: 10 / step, time: undefined }] } });
    }
    call.write({ ...base, status: run({ id: call.request.runId, status: outcome, stepsDone: 40, statusReason: outcome === trainingV1.RunStatus.RUN_STATUS_FAILED ? 'NON_FINITE_LOSS' : '' }) });
    call.end();
  },
};

const uploads: { kind: string; bytes: number }[][] = [];

const fakeDatasets: UntypedServiceImplementation = {
  uploadIdx(call: ServerReadableStream<datasetsV1.UploadIdxChunk, datasetsV1.Dataset>, callback: sendUnaryData<datasetsV1.Dataset>) {
    const chunks: { kind: string; bytes: number }[] = [];
    call.on('data', (chunk: datasetsV1.UploadIdxChunk) =>
      chunks.push(
        chunk.header
          ? { kind: `header:${chunk.header.name}:${chunk.header.testCount}:${chunk.header.hasLabels}`, bytes: 0 }
          : chunk.imagesChunk
            ? { kind: 'images', bytes: chunk.imagesChunk.length }
            : { kind: 'labels', bytes: chunk.labelsChunk?.length ?? 0 },
      ),
    );
    call.on('end', () => {
      uploads.push(chunks);
      callback(null, datasetsV1.Dataset.fromPartial({ id: 'ds-up', name: 'up', kind: datasetsV1.DatasetKind.DATASET_KIND_IDX, shape: [28, 28, 1], numExamples: 3 }));
    });
  },
};

const workDir = mkdtempSync(join(tmpdir(), 'genlab-cli-spec-'));

beforeAll(async () => {
  server = new Server();
  server.addService(trainingV1.TrainingServiceService, fake);
  server.addService(datasetsV1.DatasetServiceService, fakeDatasets);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, p) => (error ? reject(error) : resolve(p))),
  );
  address = `127.0.0.1:${port}`;
});

afterAll(() => {
  server?.forceShutdown();
  rmSync(workDir, { recursive: true, force: true });
});

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}, signal?: AbortSignal) {
  const { io, stdout, stderr } = memoryIo({ env: { GENLAB_TRAINING_URL: address, GENLAB_DATASETS_URL: address, ...env }, cwd: workDir, signal });
  const code = await runCli(argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

describe('genlab cli', () => {
  it('prints help and exits 0; unknown commands and flags exit 2 with usage on stderr', async () => {
    expect(await cli(['--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: genlab <command>') });
    const unknown = await cli(['frobnicate']);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/^error: unknown command 'frobnicate'\n\nUsage: genlab <command>/);
    const flag = await cli(['runs', 'list', '--verbose']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("error: unknown option '--verbose'");
    expect(flag.stderr).toContain('Usage: genlab runs list [options]');
  });

  it('reports usage errors as JSON on stderr with --json', async () => {
    const result = await cli(['runs', 'start', '--json', '--experiment', 'e']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(JSON.parse(result.stderr)).toEqual({ error: { code: 'USAGE', message: 'missing --dataset', exitCode: 2 } });
  });

  it('prints gRPC errors as `error: STATUS: details` and exits 1, without a stack trace', async () => {
    const result = await cli(['runs', 'get', 'missing']);
    expect(result).toEqual({ code: 1, stdout: '', stderr: "error: NOT_FOUND: run 'missing' was not found\n" });
    const json = await cli(['runs', 'get', 'missing', '--json']);
    expect(JSON.parse(json.stderr).error).toMatchObject({ code: 'NOT_FOUND', exitCode: 1, service: 'training', address });
  });

  it('names the unreachable service and its address', async () => {
    const result = await cli(['runs', 'get', 'x', '--training-url', '127.0.0.1:1', '--timeout', '2']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: (UNAVAILABLE|DEADLINE_EXCEEDED): .*\(training service at 127\.0\.0\.1:1\)\n$/);
  });

  it('sends the token as bearer metadata on unary calls and streams', async () => {
    seen.authorization = [];
    await cli(['runs', 'get', 'r', '--token', 'secret']);
    await cli(['runs', 'watch', 'r'], { GENLAB_TOKEN: 'from-env' });
    await cli(['runs', 'get', 'r']);
    expect(seen.authorization).toEqual(['Bearer secret', 'Bearer from-env', undefined]);
  });

  it('watches a run to completion (exit 0) with plain progress lines off a terminal', async () => {
    const result = await cli(['runs', 'watch', 'good']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('run good: running (backend cpu)');
    expect(result.stdout).toMatch(/step 40\/40 \(100%\) {2}100\.0 steps\/s {2}loss 0\.25/);
    expect(result.stdout).toMatch(/run good completed after 40\/40 steps\n$/);
    expect(result.stdout).not.toContain('\x1b');
  });

  it('exits 1 when the watched run fails, naming the reason', async () => {
    const result = await cli(['runs', 'watch', 'doomed']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: run failed: NON_FINITE_LOSS\n');
    const json = await cli(['runs', 'watch', 'doomed', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: 'doomed', status: 'failed', statusReason: 'NON_FINITE_LOSS' });
  });

  it('streams local IDX files as a header, then 1 MiB image chunks, then label chunks', async () => {
    writeFileSync(join(workDir, 'images.idx'), Buffer.alloc(2.5 * 1024 * 1024, 1));
    writeFileSync(join(workDir, 'labels.idx'), Buffer.alloc(100, 2));
    const result = await cli(['datasets', 'import-idx', '--name', 'up', '--images', 'images.idx', '--labels', 'labels.idx', '--test-count', '1', '--json']);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ id: 'ds-up', kind: 'idx', shape: [28, 28, 1] });
    const MiB = 1024 * 1024;
    expect(uploads.at(-1)).toEqual([
      { kind: 'header:up:1:true', bytes: 0 },
      { kind: 'images', bytes: MiB },
      { kind: 'images', bytes: MiB },
      { kind: 'images', bytes: MiB / 2 },
      { kind: 'labels', bytes: 100 },
    ]);
  });

  it('detaches from a watch on Ctrl-C (exit 130) without stopping the run', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const result = await cli(['runs', 'watch', 'forever'], {}, controller.signal);
    expect(result.code).toBe(130);
    expect(result.stdout).toMatch(/detached; run forever is running at step 7\/40/);
    expect(result.stderr).toBe('');
  });
});
