import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, unary } from '@genlab/client';
import { datasetsV1, evaluationV1, generationV1, trainingV1 } from '@genlab/contracts';
import { encodeIdx } from '@genlab/data';
import { testPng, zipArchive } from '../../libs/data/src/testing/archive.fixture';
import { checkHealth, expectStatus } from '../support/grpc';
import { startStack, type Stack } from '../support/stack';
import { table } from './security-support';

// The known path-check bypasses (the ones an experiment tracker's artifact check fell to:
// `..`, `\`, `#`, `;`, `//proc/self/root`, double URL-encoding, plus `file://`, absolute
// paths, symlinks, NUL and Unicode look-alikes) thrown through real gRPC at every RPC that
// takes a server-side path. Canary files sit outside the import root, each built so that
// reading it would show: the IDX and archive canaries are valid (the import would succeed),
// the feature-model canary's model.json is not JSON (its parse error would come back). Every
// answer must be the import-root check's own refusal, naming the field and the payload. The
// same payloads as ids at the id-addressed RPCs that read stored files must find nothing.
// The same four running services also show their message size limit.

const CANARY = 'CANARY-7f3a9c';
let base: string;
let root: string;
let outside: string;
let stack: Stack;
let runId: string;

const images = encodeIdx({ dtype: 'uint8', dims: [4, 3, 3], data: Uint8Array.from({ length: 36 }, (_, i) => i) });
const labels = encodeIdx({ dtype: 'uint8', dims: [4], data: Uint8Array.from([0, 1, 0, 1]) });

/** Every spelling of "the file `target` in the folder next to the import root" that a path check has been known to miss. */
function payloads(target: string, symlinkName: string): string[] {
  const abs = join(outside, target);
  return [
    `../outside/${target}`,
    `../../${outside.slice(1)}/${target}`,
    `sub/../../outside/${target}`,
    `./sub/./../../outside/${target}`,
    `....//outside/${target}`,
    `.../outside/${target}`,
    `%2e%2e/outside/${target}`,
    `%2e%2e%2foutside%2f${target}`,
    `..%2foutside%2f${target}`,
    `%252e%252e/outside/${target}`,
    `..%252foutside%252f${target}`,
    `%c0%ae%c0%ae/outside/${target}`,
    `..\\outside\\${target}`,
    `..\\/outside/${target}`,
    `sub\\..\\..\\outside\\${target}`,
    `..;/outside/${target}`,
    `sub/..;/..;/outside/${target}`,
    `sub#/../../outside/${target}`,
    `#/../../outside/${target}`,
    `sub/%23/../../outside/${target}`,
    `//proc/self/root${abs}`,
    `/proc/self/root${abs}`,
    `proc/self/root${abs}`,
    `../../../../proc/self/root${abs}`,
    `/proc/self/cwd/../outside/${target}`,
    `file://${abs}`,
    `file:${abs}`,
    `file:/../outside/${target}`,
    `file://localhost${abs}`,
    abs,
    `/${abs}`,
    `//${abs.slice(1)}`,
    `C:\\${target}`,
    `\\\\?\\${abs}`,
    `../outside/${target}/`,
    `../outside/${target}/.`,
    `../outside/${target}\0`,
    `sub/\0/../../outside/${target}`,
    `\u2024\u2024/outside/${target}`,
    `\u2025/outside/${target}`,
    `\uff0e\uff0e\uff0foutside\uff0f${target}`,
    `..\u2215outside\u2215${target}`,
    `..\u2044outside\u2044${target}`,
    `.\u200b./outside/${target}`,
    `link-to-outside/${target}`,
    `sub/../link-to-outside/${target}`,
    symlinkName,
    `../${'x/'.repeat(2100)}`,
  ];
}

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'genlab-paths-'));
  root = join(base, 'root');
  outside = join(base, 'outside');
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(join(outside, 'model'), { recursive: true });
  // Outside: canaries that would be accepted if read.
  writeFileSync(join(outside, 'images.idx'), images);
  writeFileSync(join(outside, 'labels.idx'), labels);
  writeFileSync(join(outside, 'classes.zip'), zipArchive([{ name: '0/a.png', data: testPng(2, 2, 1, 1) }, { name: '1/b.png', data: testPng(2, 2, 1, 2) }]));
  writeFileSync(join(outside, 'model', 'model.json'), CANARY);
  // Inside: files that make the positive controls, and symlinks that lead outside.
  writeFileSync(join(root, 'images.idx'), images);
  mkdirSync(join(root, 'model'));
  writeFileSync(join(root, 'model', 'model.json'), 'not json either');
  symlinkSync(outside, join(root, 'link-to-outside'));
  symlinkSync(join(outside, 'images.idx'), join(root, 'link-images.idx'));
  symlinkSync(join(outside, 'labels.idx'), join(root, 'link-labels.idx'));
  symlinkSync(join(outside, 'classes.zip'), join(root, 'link-classes.zip'));
  symlinkSync(join(outside, 'model'), join(root, 'link-model'));

  stack = await startStack({ services: ['datasets', 'training', 'evaluation', 'generation'], importRoot: root });
  const { datasets, training } = stack.clients;
  const ring = await unary(datasets.createSynthetic, datasets, { name: 'ring8', generator: 'ring8', numExamples: 600, seed: 1, testCount: 100 });
  const experiment = await unary(training.createExperiment, training, { name: 'paths', description: '' });
  const run = await unary(training.startRun, training, {
    experimentId: experiment.id,
    datasetId: ring.id,
    family: 'vae',
    configJson: JSON.stringify({ likelihood: 'gaussian', latentDim: 2, hiddenDims: [8], maxSteps: 5 }),
    seed: 1,
  });
  const final = (await collect(training.streamRunEvents({ runId: run.id, includeHistory: false }))).at(-1)?.status;
  expect(final?.status, final?.error).toBe(trainingV1.RunStatus.RUN_STATUS_COMPLETED);
  runId = run.id;
});

afterAll(async () => {
  await stack?.stop();
  if (base) rmSync(base, { recursive: true, force: true });
});

interface PathRpc {
  name: string;
  role: string;
  /** The canary's name outside the root, and the symlink inside it that leads there. */
  target: string;
  symlink: string;
  call(path: string): Promise<unknown>;
  /** A path inside the root that this RPC reads (the positive control) and what its answer shows. */
  control: { path: string; expect: (outcome: Outcome) => void };
}

type Outcome = { ok: true } | { ok: false; code: status; details: string };

const settle = (call: Promise<unknown>): Promise<Outcome> =>
  call.then(
    () => ({ ok: true }),
    (error: ServiceError) => ({ ok: false, code: error.code, details: error.details }),
  );

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The import-root check's own refusals (libs/service-core import-paths.ts), and the request schema's. */
function isConfinementRefusal(outcome: Outcome, role: string, payload: string): boolean {
  if (outcome.ok) return false;
  const quoted = escape(`'${payload}'`);
  const refusals = [
    { code: status.INVALID_ARGUMENT, pattern: new RegExp(`^${role}: a path relative to the import root is required$`) },
    { code: status.INVALID_ARGUMENT, pattern: new RegExp(`^${role}: absolute paths are not accepted`) },
    { code: status.INVALID_ARGUMENT, pattern: new RegExp(`^${role}: ${quoted} is outside the import root$`) },
    { code: status.INVALID_ARGUMENT, pattern: new RegExp(`^${role}: ${quoted} is not a (file|directory)$`) },
    { code: status.INVALID_ARGUMENT, pattern: new RegExp(`^${role}: (at most 4096 characters|Too big: expected string to have <=4096 characters)$`) },
    { code: status.NOT_FOUND, pattern: new RegExp(`^${role} (file|directory) ${quoted} was not found$`) },
  ];
  return refusals.some((refusal) => refusal.code === outcome.code && refusal.pattern.test(outcome.details));
}

const rpcs = (): PathRpc[] => {
  const { datasets, evaluation } = stack.clients;
  const importIdx = (imagesPath: string, labelsPath: string) => unary(datasets.importIdx, datasets, { name: 'paths', imagesPath, labelsPath, testCount: 1 });
  const startEvaluation = (featureModelPath: string) =>
    unary(evaluation.startEvaluation, evaluation, evaluationV1.EvaluateRequest.create({ runId, metrics: ['fid'], featureModelPath }));
  const refusedAsJunk = (outcome: Outcome) => expect(outcome).toMatchObject({ ok: false, code: status.INVALID_ARGUMENT, details: expect.stringMatching(/model\.json is not valid JSON/) });
  return [
    { name: 'DatasetService.ImportIdx', role: 'images_path', target: 'images.idx', symlink: 'link-images.idx', call: (p) => importIdx(p, ''), control: { path: 'sub/../images.idx', expect: (o) => expect(o).toEqual({ ok: true }) } },
    { name: 'DatasetService.ImportIdx', role: 'labels_path', target: 'labels.idx', symlink: 'link-labels.idx', call: (p) => importIdx('images.idx', p), control: { path: 'images.idx', expect: (o) => expect(o).toMatchObject({ ok: false, code: status.INVALID_ARGUMENT, details: expect.stringMatching(/^labels file: bad magic/) }) } },
    { name: 'DatasetService.ImportImageArchive', role: 'archive_path', target: 'classes.zip', symlink: 'link-classes.zip', call: (p) => unary(datasets.importImageArchive, datasets, { name: 'paths', archivePath: p, testCount: 1 }), control: { path: 'images.idx', expect: (o) => expect(o).toMatchObject({ ok: false, code: status.INVALID_ARGUMENT, details: expect.stringMatching(/^archive: not a zip, tar or gzipped tar file/) }) } },
    { name: 'EvaluationService.StartEvaluation', role: 'feature_model_path', target: 'model', symlink: 'link-model', call: startEvaluation, control: { path: 'model', expect: refusedAsJunk } },
  ];
};

describe('path confinement under bypass payloads', () => {
  it('answers every payload at every path-taking RPC with the import-root refusal: 0 out-of-root reads', async () => {
    const rows = [['rpc', 'field', 'payloads', 'refused by the root check', 'out-of-root reads or other answers']];
    const escapes: string[] = [];
    for (const rpc of rpcs()) {
      rpc.control.expect(await settle(rpc.call(rpc.control.path))); // the RPC does read what is inside the root
      const list = payloads(rpc.target, rpc.symlink);
      let refused = 0;
      for (const payload of list) {
        const outcome = await settle(rpc.call(payload));
        const leaked = !outcome.ok && outcome.details.includes(CANARY);
        if (isConfinementRefusal(outcome, rpc.role, payload) && !leaked) refused += 1;
        else escapes.push(`${rpc.name} ${rpc.role} ${JSON.stringify(payload).slice(0, 80)} → ${outcome.ok ? 'OK' : `${status[outcome.code]} ${outcome.details}`}`);
      }
      rows.push([rpc.name, rpc.role, String(list.length), String(refused), String(list.length - refused)]);
    }
    console.log(`path payloads through gRPC (canaries outside the import root):\n${table(rows)}`);
    expect(escapes).toEqual([]);
  });

  it('finds nothing for the same payloads as ids at the id-addressed RPCs that read stored files', async () => {
    const { datasets, training, evaluation } = stack.clients;
    const ids = payloads('images.idx', 'link-images.idx').concat(['..', '.', '/', 'artifacts', '.tmp', '../genlab.db']);
    const answers: Record<string, number> = {};
    for (const id of ids) {
      const outcomes = await Promise.all([
        settle(unary(datasets.getPreview, datasets, { datasetId: id, count: 1, split: 0, includePng: false })),
        settle(collect(training.getArtifactContent({ artifactId: id }))),
        settle(unary(evaluation.getEvaluation, evaluation, { id })),
      ]);
      for (const [i, outcome] of outcomes.entries()) {
        const key = `${['GetPreview', 'GetArtifactContent', 'GetEvaluation'][i]} ${outcome.ok ? 'OK' : status[outcome.code]}`;
        answers[key] = (answers[key] ?? 0) + 1;
      }
    }
    console.log(`path payloads as ids (${ids.length} each): ${JSON.stringify(answers)}`);
    expect(Object.keys(answers).every((key) => / (NOT_FOUND|INVALID_ARGUMENT)$/.test(key)), JSON.stringify(answers)).toBe(true);
  });
});

describe('message size limits on every service', () => {
  it('refuses a request over 16 MiB with RESOURCE_EXHAUSTED and keeps serving', async () => {
    const big = 'x'.repeat(17 * 1024 * 1024);
    // Clients that do not check their own sends, so the request reaches each server.
    const options = { 'grpc.max_send_message_length': -1 };
    const creds = credentials.createInsecure();
    const a = stack.addresses;
    const datasets = new datasetsV1.DatasetServiceClient(a.datasets, creds, options);
    const training = new trainingV1.TrainingServiceClient(a.training, creds, options);
    const evaluation = new evaluationV1.EvaluationServiceClient(a.evaluation, creds, options);
    const generation = new generationV1.GenerationServiceClient(a.generation, creds, options);
    const cases = [
      { name: 'datasets', fullName: 'genlab.datasets.v1.DatasetService', call: () => unary(datasets.getDataset, datasets, { id: big }) },
      { name: 'training', fullName: 'genlab.training.v1.TrainingService', call: () => unary(training.getRun, training, { id: big }) },
      { name: 'evaluation', fullName: 'genlab.evaluation.v1.EvaluationService', call: () => unary(evaluation.getEvaluation, evaluation, { id: big }) },
      { name: 'generation', fullName: 'genlab.generation.v1.GenerationService', call: () => unary(generation.exportDecoder, generation, { runId: big, checkpointId: '' }) },
    ] as const;
    try {
      for (const { name, fullName, call } of cases) {
        const error = await expectStatus(call(), status.RESOURCE_EXHAUSTED, /^Received message larger than max \(\d+ vs 16777216\)$/);
        console.log(`${name} service, 17 MiB request: ${status[error.code]} (${error.details})`);
        expect(await checkHealth(a[name], fullName)).toBe('SERVING');
      }
    } finally {
      for (const client of [datasets, training, evaluation, generation]) client.close();
    }
  });
});
