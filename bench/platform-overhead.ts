/**
 * The training platform's overhead over the bare training loop, for the same steps of the
 * same model on the same data: the run goes through the queue (embedded, or BullMQ with
 * `--redis`), its metric points through the buffered writer into the database (SQLite in a
 * temp dir, or `--database-url`), a checkpoint (bytes, validation loss on 512 held-out
 * examples, sample grid, retention) every `--checkpoint-every` steps, heartbeats, and an
 * attached event stream (RunEventStream, each event protobuf-encoded as the gRPC call would).
 * The bare loop is runTrainingLoop with no-op callbacks on the model created in memory.
 * Rounds run bare, platform and a third variant, a client that never reads (its call's buffer
 * stays full: it must not slow training), in an order that changes from round to round. Each
 * figure is the ratio of medians over rounds; `pairedMedian` beside it is the median of each
 * round's own ratio to its bare run.
 *
 *   node libs/models/scripts/run-ts.mjs bench/platform-overhead.ts [--workload ring8|mnist] [--steps 1000]
 *        [--checkpoint-every 100] [--rounds 3] [--redis [url]] [--database-url postgresql://…] [--quick]
 *        [--only bare|platform|stalled|versus] [--no-stalled] [--checkpoint-thread grids|all|off] [--grid-share 0.02]
 *        [--versus-thread grids|all|off] [--dataset-cache-mb 256]
 *
 * Goal: ≤ 5 % overhead. Wall time is the figure that matters, but on a shared machine it
 * swings by ±50 % between identical rounds; the process's CPU time (user + system; training,
 * the database client and the stream all run in this process) is printed beside it as the
 * steadier measure of the work the platform adds. Beside each overhead: the rounds' own
 * ratios as `pairedMean` ± `pairedStdErr`, and `pairedUpper95`, the one-sided 95 % upper
 * bound of that mean; and `pairedMedianUpper95`, the one-sided 95 % upper bound of the rounds'
 * median ratio (the sign test's order statistic: it assumes no shape of the noise, so a few
 * rounds the machine slowed down by 20 % move it by one rank, not by their size). With enough
 * rounds these are the figures to hold against the goal.
 * `--only` runs one variant (for a CPU profile of it: `node --cpu-prof`); it prints timings, no ratios.
 * `--dataset-cache-mb 0` makes every platform run read and check its dataset's file at its
 * start, as a process's first run on a dataset does (by default the warm-up's run leaves it held).
 * `--no-stalled` leaves the stalled client out: rounds take two thirds of the time, for more of them.
 * `--versus-thread MODE` adds a variant to every round, the platform path with the checkpoint
 * thread in MODE (an executor and queue of its own), and prints its overhead and its rounds'
 * own figures against the first platform variant's: an A/B of the two settings from the same
 * rounds (runs of the bench minutes apart differ by more than such settings do).
 *
 * The steps' own times (the training loop publishes them on a diagnostics channel) give
 * `platform/overhead-beyond-steps`: each run's time beyond what its steps take at the machine's
 * speed of the moment (`stepBaselineMs`), platform minus bare. The machine's drift between the
 * runs of a round cancels out of it, so it resolves a percent where whole-run ratios do not;
 * it cannot see a slowdown of every step alike, which `platform/step-time` (the runs' median
 * steps, a cross-run comparison as noisy as whole runs) is printed beside it for.
 */
import { subscribe } from 'node:diagnostics_channel';
import { EventEmitter } from 'node:events';
import { PerformanceObserver } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import { Redis } from 'ioredis';
import { initCompute } from '@genlab/compute';
import { loadConfig } from '@genlab/config';
import { trainingV1 } from '@genlab/contracts';
import { datasetStats, encodeDataset, ring8, splitDataset, type TensorDataset } from '@genlab/data';
import { openDatabase, type Database, type Dataset } from '@genlab/db';
import { createModel, parseConfig, prepareDataset, trainingPlan } from '@genlab/models';
import { RunExecutor } from '../apps/training-service/src/execution/run-executor';
import { BullmqRunQueue } from '../apps/training-service/src/queue/bullmq-run-queue';
import { EmbeddedRunQueue } from '../apps/training-service/src/queue/embedded-run-queue';
import type { RunQueue } from '../apps/training-service/src/queue/run-queue';
import type { WritableSignal } from '../apps/training-service/src/runs/event-outbox';
import { RedisRunEventBus } from '../apps/training-service/src/runs/redis-run-event-bus';
import { RunEventStream } from '../apps/training-service/src/runs/run-event-stream';
import { InProcessRunEventBus, type RunEventBus } from '../apps/training-service/src/runs/run-events';
import { runTrainingLoop, trainingStepChannel, type TrainingStepTiming } from '../apps/training-service/src/runs/training-loop';
import { arg, QUICK } from './lib/bench-args';
import { MNIST_IMAGES, mnistPixels } from './lib/mnist';

const WORKLOAD = arg('workload', 'ring8');
const STEPS = Number(arg('steps', QUICK ? '300' : '1000'));
const CHECKPOINT_EVERY = Number(arg('checkpoint-every', '100'));
const ROUNDS = Number(arg('rounds', QUICK ? '1' : '3'));
const REDIS_FLAG = process.argv.indexOf('--redis');
const REDIS_URL = REDIS_FLAG < 0 ? undefined : /^rediss?:\/\//.test(process.argv[REDIS_FLAG + 1] ?? '') ? process.argv[REDIS_FLAG + 1] : 'redis://127.0.0.1:6379';
const DATABASE_URL = arg('database-url', '') || undefined;
const ONLY = arg('only', '');
const STALLED = !process.argv.includes('--no-stalled');
/** The training service's settings with nothing set. */
const SERVICE_DEFAULTS = loadConfig({});
/** GENLAB_CHECKPOINT_THREAD: the service's default unless given. */
const CHECKPOINT_THREAD = arg('checkpoint-thread', SERVICE_DEFAULTS.checkpointThread) as 'grids' | 'all' | 'off';
if (!['grids', 'all', 'off'].includes(CHECKPOINT_THREAD)) throw new Error('--checkpoint-thread: grids, all or off');
const VERSUS_THREAD = (arg('versus-thread', '') || undefined) as 'grids' | 'all' | 'off' | undefined;
if (VERSUS_THREAD && !['grids', 'all', 'off'].includes(VERSUS_THREAD)) throw new Error('--versus-thread: grids, all or off');
/** GENLAB_SAMPLE_GRID_SHARE: 0.02 here (the last step's grid, and one mid-run if it fits); the service's default is 1, a grid at every checkpoint. */
const GRID_SHARE = Number(arg('grid-share', '0.02'));
/** GENLAB_DATASET_CACHE_MB: the service's default unless given; 0 reads and checks the dataset's file at every run's start. */
const DATASET_CACHE_MB = Number(arg('dataset-cache-mb', String(SERVICE_DEFAULTS.datasetCacheBytes / 2 ** 20)));
if (!(DATASET_CACHE_MB >= 0)) throw new Error('--dataset-cache-mb: a number of megabytes, 0 or more');
const SEED = 3;

const WORKLOADS = {
  // A small Gaussian VAE on 2-D points: cheap steps, so the platform's share shows most.
  ring8: { batchSize: 64, config: { likelihood: 'gaussian', latentDim: 2, hiddenDims: [256, 256], batchSize: 64 } },
  // WORKLOADS.md vae-mlp: 784-400-20, Bernoulli, batch 128.
  mnist: { batchSize: 128, config: { batchSize: 128 } },
} as const;

const quiet: LoggerService = { log: () => undefined, warn: (m: unknown) => console.warn(String(m)), error: (m: unknown) => console.error(String(m)) };

/** `count` training examples (so that an epoch is `CHECKPOINT_EVERY` steps: the plan checkpoints once an epoch) plus 512 held out. */
function examples(count: number): TensorDataset {
  if (WORKLOAD === 'ring8') return ring8.sample(count + 512, SEED);
  const pixels = mnistPixels(MNIST_IMAGES);
  const n = Math.min(10_000, count + 512);
  return { shape: [28, 28, 1], count: n, x: pixels.subarray(0, n * 784) };
}

async function storeDataset(db: Database, data: TensorDataset): Promise<Dataset> {
  const artifact = await db.artifacts.put(encodeDataset(data), { kind: 'dataset', mediaType: 'application/x-genlab-dataset' });
  const stats = datasetStats(data);
  return db.datasets.create({
    name: `bench-${randomUUID().slice(0, 8)}`,
    kind: 'synthetic',
    shape: [...data.shape],
    numExamples: data.count,
    hasLabels: false,
    trainCount: data.count - 512,
    testCount: 512,
    artifactId: artifact.id,
    stats: { min: stats.min, max: stats.max },
  });
}

/** The times of the steps of the variant running now, as the training loop publishes them. */
let stepTimes: number[] = [];
subscribe(trainingStepChannel.name, (message) => void stepTimes.push((message as TrainingStepTiming).ms));
/** Garbage collections' time on this thread since the variant began. */
let gcMs = 0;
new PerformanceObserver((list) => list.getEntries().forEach((entry) => void (gcMs += entry.duration))).observe({ entryTypes: ['gc'] });

/** The bare loop: data prepared and model created in memory, no callbacks doing anything. */
async function bare(data: TensorDataset, config: Record<string, unknown>): Promise<Timing> {
  stepTimes = [];
  gcMs = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const train = prepareDataset('vae', config, splitDataset(data, data.count - 512).train);
  const plan = trainingPlan('vae', config, train.count);
  const model = createModel('vae', config, { dataShape: train.shape, seed: SEED });
  await runTrainingLoop({
    model,
    data: train,
    batchSize: plan.batchSize,
    totalSteps: plan.totalSteps,
    seed: SEED,
    logEvery: plan.logEvery,
    checkpointEvery: Number.MAX_SAFE_INTEGER,
    onMetrics: () => undefined,
    onProgress: async () => undefined,
    onCheckpoint: async () => undefined,
    shouldStop: () => false,
  });
  model.dispose();
  const ms = performance.now() - started;
  const cpuMs = cpuMsSince(cpu);
  await new Promise((resolve) => setImmediate(resolve)); // collections' entries reach the observer a turn later
  return { ms, cpuMs, steps: stepTimes, gcMs };
}

interface Timing {
  ms: number;
  cpuMs: number;
  /** Each training step's time (batch, forward, backward, update), in order. */
  steps: readonly number[];
  /** Garbage collections' time on the training thread. */
  gcMs: number;
}

const cpuMsSince = (start: NodeJS.CpuUsage) => {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
};

/** An attached client: each event encoded as the gRPC call would; `stalled` never reads (its buffer stays full). */
function client(stalled: boolean): WritableSignal & { events: number } {
  return Object.assign(new EventEmitter(), { writableNeedDrain: stalled, events: 0 });
}

/** The platform path, from queuing the run to its completion status being published. */
async function platform(db: Database, queue: RunQueue, bus: RunEventBus, stream: RunEventStream, dataset: Dataset, config: Record<string, unknown>, stalled: boolean) {
  const experiment = await db.experiments.create({ name: `bench-${randomUUID().slice(0, 8)}` });
  const totalSteps = Number(config['maxSteps']);
  const run = await db.runs.create({ experimentId: experiment.id, datasetId: dataset.id, family: 'vae', config: parseConfig('vae', config), seed: SEED, totalSteps });
  const sink = client(stalled);
  const subscription = stream.open(run.id, true, sink).subscribe({ next: (event) => void ((sink.events += 1), trainingV1.RunEvent.encode(event).finish()) });
  let ended!: () => void;
  const done = new Promise<void>((resolve) => (ended = resolve));
  // When training began (the run's first progress event) and when its last step was reported.
  let firstProgress = 0;
  let lastProgress = 0;
  const watch = bus.subscribe(
    run.id,
    (event) => {
      if (event.progress) {
        lastProgress = performance.now();
        firstProgress ||= lastProgress;
      }
      if (event.status && event.status.status >= trainingV1.RunStatus.RUN_STATUS_COMPLETED) ended();
    },
    () => undefined,
  );
  await watch.ready;
  stepTimes = [];
  gcMs = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await queue.enqueue([run.id]);
  await done;
  const finished = performance.now();
  const cpuMs = cpuMsSince(cpu);
  await new Promise((resolve) => setImmediate(resolve)); // collections' entries reach the observer a turn later
  const gc = gcMs;
  const ms = finished - started;
  /** Enqueue → first progress event (pickup, claim, model set-up, the first log interval), and last step reported → completion event. */
  const phases = { startMs: firstProgress - started, endMs: finished - lastProgress };
  watch.unsubscribe();
  subscription.unsubscribe();
  const final = await db.runs.get(run.id);
  if (final.status !== 'completed') throw new Error(`run ${run.id} ended ${final.status}: ${final.error}`);
  const checkpoints = (await db.checkpoints.listByRun(run.id)).length;
  const points = (await db.metrics.listPoints(run.id, { limit: 100_000 })).length;
  return { ms, cpuMs, steps: stepTimes, gcMs: gc, events: sink.events, checkpoints, points, ...phases };
}

/**
 * The one-sided 95 % upper confidence bound of the median of `values`, free of any assumption
 * about their distribution: the k-th smallest, for the least k with P(Binomial(n, ½) ≤ k − 1)
 * ≥ 0.95 (the median exceeds it only if at least k values fell below the median, which has a
 * probability of at most 5 %). Undefined below 5 values, where no order statistic reaches 95 %
 * (printed as null).
 */
function medianUpper95(values: number[]): number | undefined {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  let term = 0.5 ** n; // P(B = 0)
  let cdf = term;
  for (let k = 1; k <= n; k++) {
    if (cdf >= 0.95) return sorted[k - 1];
    term = (term * (n - k + 1)) / k; // P(B = k)
    cdf += term;
  }
  return undefined;
}

/**
 * What a run's steps take at the machine's speed of the moment: the sum, over the steps, of
 * the median of the `window` steps around each. A step slower than its neighbours (a
 * collection, a checkpoint's work beside it, another process taking the core) counts above
 * it; a machine that slows down for seconds moves the baseline with it. So does anything that
 * slows more than half the window's steps in a row (26 here: a checkpoint's work beside
 * training lasts a few steps on the bench's workloads), and a slowdown of every step alike.
 */
function stepBaselineMs(steps: readonly number[], window = 51): number {
  const half = Math.floor(window / 2);
  let total = 0;
  for (let i = 0; i < steps.length; i++) {
    const from = Math.max(0, Math.min(i - half, steps.length - window));
    total += median(steps.slice(from, from + window));
  }
  return total;
}

/** One-sided 95 % quantile of Student's t with `df` degrees of freedom (df ≥ 1). */
function studentT95(df: number): number {
  const table = [6.314, 2.92, 2.353, 2.132, 2.015, 1.943, 1.895, 1.86, 1.833, 1.812, 1.796, 1.782, 1.771, 1.761, 1.753, 1.746, 1.74, 1.734, 1.729, 1.725];
  return table[df - 1] ?? 1.645 + 1.53 / df; // within 0.003 of the exact value beyond the table
}

/** Every order of `items`, in lexicographic order of their positions. */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

const pct = (x: number, base: number) => (100 * (x - base)) / base;
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function main(): Promise<void> {
  const compute = await initCompute({ logger: false });
  const workload = WORKLOADS[WORKLOAD as keyof typeof WORKLOADS];
  if (!workload) throw new Error(`--workload: ring8 or mnist`);
  const config = { ...workload.config, maxSteps: STEPS };
  const data = examples(workload.batchSize * CHECKPOINT_EVERY);
  const dataDir = await mkdtemp(join(tmpdir(), 'genlab-bench-'));
  const db = await openDatabase({ dataDir, databaseUrl: DATABASE_URL });
  const prefix = `genlab-bench-${randomUUID().slice(0, 8)}`;
  const bus: RunEventBus = REDIS_URL ? new RedisRunEventBus(new Redis(REDIS_URL), new Redis(REDIS_URL), prefix) : new InProcessRunEventBus();
  /** An executor and its queue with the checkpoint thread in `mode` (each queue's prefix is its own: BullMQ's workers pull from their own queue). */
  const path = (mode: 'grids' | 'all' | 'off', name: string) => {
    const settings = { keepCheckpoints: 5, heartbeatMs: 2_000, runLeaseMs: 30_000, dbRetryMs: 30_000, sampleGridShare: GRID_SHARE, checkpointThread: mode, datasetCacheBytes: DATASET_CACHE_MB * 2 ** 20 };
    const executor = new RunExecutor(db, settings, bus, { logger: quiet });
    const queue: RunQueue = REDIS_URL
      ? new BullmqRunQueue(db, executor, { connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }), prefix: `${prefix}:${name}`, concurrency: 1, lockMs: 30_000, leaseMs: 30_000 })
      : new EmbeddedRunQueue(db, executor, 1);
    return { executor, queue };
  };
  const primary = path(CHECKPOINT_THREAD, 'a');
  const versus = VERSUS_THREAD ? path(VERSUS_THREAD, 'b') : undefined;
  const queue = primary.queue;
  const stream = new RunEventStream(db, bus);
  try {
    await queue.start();
    await versus?.queue.start();
    const dataset = await storeDataset(db, data);
    // Warm-up, as a service that has trained before would be: wasm kernels compiled, database
    // and Redis connections open, the checkpoint thread up (it starts with the executor, and
    // starting it is seconds of compiling beside the first rounds), the platform path's
    // modules loaded and its code optimised, and the dataset held by the executor's dataset
    // cache (unless `--dataset-cache-mb 0`), as it is for a sweep's runs after the first.
    await bare(data, { ...config, maxSteps: 20 });
    for (const p of versus ? [primary, versus] : [primary]) {
      await p.executor.checkpointThreadSettled();
      await platform(db, p.queue, bus, stream, dataset, { ...config, maxSteps: 2 * CHECKPOINT_EVERY }, false);
    }
    const results = { bare: [] as Timing[], platform: [] as Awaited<ReturnType<typeof platform>>[], stalled: [] as Timing[], versus: [] as Timing[] };
    let last: Awaited<ReturnType<typeof platform>> | undefined;
    const variants = {
      bare: () => bare(data, config),
      platform: () => platform(db, queue, bus, stream, dataset, config, false),
      stalled: () => platform(db, queue, bus, stream, dataset, config, true),
      versus: () => platform(db, (versus as { queue: RunQueue }).queue, bus, stream, dataset, config, false),
    };
    if (ONLY) {
      const only = variants[ONLY as keyof typeof variants];
      if (!only || (ONLY === 'versus' && !versus)) throw new Error('--only: bare, platform, stalled, or versus with --versus-thread');
      for (let round = 0; round < ROUNDS; round++) {
        const t = await only();
        console.error(`round ${round + 1}: ${ONLY} ${t.ms.toFixed(0)} ms (cpu ${t.cpuMs.toFixed(0)}, ${pct(t.ms, stepBaselineMs(t.steps)).toFixed(1)} % beyond its steps)`);
      }
      return;
    }
    const chosen = (Object.keys(variants) as (keyof typeof variants)[]).filter((k) => (STALLED || k !== 'stalled') && (versus || k !== 'versus'));
    // Rounds go through every order of the variants in turn, so that over a whole cycle each
    // variant runs first as often as any other and right after each other one as often: what
    // one run leaves behind (collections owed, writes finishing) would otherwise fall on the
    // same variant every time. (With two variants: one round each way.)
    const orders = permutations(chosen);
    for (let round = 0; round < ROUNDS; round++) {
      const timings = {} as { bare: Timing; platform: Awaited<ReturnType<typeof platform>>; stalled?: Timing; versus?: Timing };
      for (const k of orders[round % orders.length] as (keyof typeof variants)[]) Object.assign(timings, { [k]: await variants[k]() });
      last = timings.platform;
      results.bare.push(timings.bare);
      results.platform.push(timings.platform);
      if (timings.stalled) results.stalled.push(timings.stalled);
      if (timings.versus) results.versus.push(timings.versus);
      const show = (t: Timing) =>
        `${t.ms.toFixed(0)} ms (cpu ${t.cpuMs.toFixed(0)}, median step ${median(t.steps).toFixed(2)} ms, ${pct(t.ms, stepBaselineMs(t.steps)).toFixed(1)} % beyond its steps, gc ${t.gcMs.toFixed(0)} ms)`;
      const stalledShown = timings.stalled ? `, with a stalled client ${show(timings.stalled)}` : '';
      const versusShown = timings.versus ? `, platform with the thread '${VERSUS_THREAD}' ${show(timings.versus)}` : '';
      console.error(`round ${round + 1}: bare ${show(timings.bare)}, platform ${show(timings.platform)}${stalledShown}${versusShown}`);
    }
    const wall = (k: keyof typeof results) => median(results[k].map((t) => t.ms));
    const cpu = (k: keyof typeof results) => median(results[k].map((t) => t.cpuMs));
    /** The median over rounds of each round's own ratio to its bare run: steadier than a ratio of medians when the machine's speed drifts. */
    const rounds = (k: keyof typeof results, of: 'ms' | 'cpuMs', base: keyof typeof results = 'bare') => results[k].map((t, i) => pct(t[of], (results[base][i] as Timing)[of]));
    const paired = (k: keyof typeof results, of: 'ms' | 'cpuMs') => median(rounds(k, of));
    /**
     * Per-round values as mean ± standard error and the one-sided 95 % upper bound (Student's
     * t), with the sign test's bound of their median; for an A/B of two platform variants
     * (`twoSided`) the lower bound too (the two bounds are a 90 % interval) and the median.
     */
    const summary = (values: number[], twoSided = false) => {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      if (values.length < 2) return { pairedMean: mean };
      const stdErr = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1) / values.length);
      const t = studentT95(values.length - 1);
      return {
        pairedMean: mean,
        pairedStdErr: stdErr,
        ...(twoSided ? { pairedLower95: mean - t * stdErr } : {}),
        pairedUpper95: mean + t * stdErr,
        ...(twoSided ? { pairedMedian: median(values) } : { pairedMedianUpper95: medianUpper95(values) ?? null }),
      };
    };
    /** The rounds' own ratios (to `base`): what the goal is judged against. */
    const spread = (k: keyof typeof results, of: 'ms' | 'cpuMs', base: keyof typeof results = 'bare') => summary(rounds(k, of, base), base !== 'bare');
    /**
     * A run's time beyond what its steps take at the speed of the moment (`stepBaselineMs`), in
     * % of the latter; a round's figure is the platform run's minus the bare run's. The
     * machine's speed drifting between the two runs of a round cancels out of it, so it
     * resolves a percent where whole-run ratios here spread by ±20 %; what it cannot see is a
     * slowdown of every step alike, which `platform/step-time` shows (the rounds' ratio of the
     * two runs' median steps: noisy, as whole runs are).
     */
    const excess = (t: Timing) => pct(t.ms, stepBaselineMs(t.steps));
    const excessRounds = (k: keyof typeof results, base: keyof typeof results = 'bare') => results[k].map((t, i) => excess(t) - excess(results[base][i] as Timing));
    const stepRounds = (k: keyof typeof results) => results[k].map((t, i) => pct(median(t.steps), median((results.bare[i] as Timing).steps)));
    const common = { backend: compute.backend, checkpointThread: CHECKPOINT_THREAD, datasetCacheMb: DATASET_CACHE_MB, workload: WORKLOAD, steps: STEPS, checkpointEvery: CHECKPOINT_EVERY, queue: queue.kind, database: db.provider, rounds: ROUNDS };
    const figures = [
      { name: 'platform/bare-loop', figure: wall('bare') / STEPS, unit: 'ms/step', cpuMsPerStep: cpu('bare') / STEPS, ...common },
      { name: 'platform/full-path', figure: wall('platform') / STEPS, unit: 'ms/step', cpuMsPerStep: cpu('platform') / STEPS, ...common, checkpoints: last?.checkpoints, metricPoints: last?.points, streamedEvents: last?.events },
      { name: 'platform/overhead', figure: pct(wall('platform'), wall('bare')), unit: '% wall', goal: '<= 5', pairedMedian: paired('platform', 'ms'), ...spread('platform', 'ms'), ...common },
      { name: 'platform/overhead-cpu', figure: pct(cpu('platform'), cpu('bare')), unit: '% cpu', goal: '<= 5', pairedMedian: paired('platform', 'cpuMs'), ...spread('platform', 'cpuMs'), ...common },
      {
        name: 'platform/overhead-beyond-steps',
        figure: median(excessRounds('platform')),
        unit: 'points (% of the steps)',
        goal: '<= 5',
        note: "time beyond the steps at the speed of the moment, platform minus bare (median of rounds); blind to a slowdown of every step alike, which is platform/step-time's",
        ...summary(excessRounds('platform')),
        ...common,
      },
      { name: 'platform/step-time', figure: median(stepRounds('platform')), unit: '% median step', note: 'median step, platform over bare (median of rounds): a slowdown of every step alike', ...summary(stepRounds('platform'), true), ...common },
      ...(STALLED
        ? [
            { name: 'platform/overhead-stalled-client', figure: pct(wall('stalled'), wall('bare')), unit: '% wall', pairedMedian: paired('stalled', 'ms'), ...common },
            { name: 'platform/overhead-stalled-client-cpu', figure: pct(cpu('stalled'), cpu('bare')), unit: '% cpu', pairedMedian: paired('stalled', 'cpuMs'), ...common },
          ]
        : []),
      ...(versus
        ? [
            { name: 'platform/overhead-versus', thread: VERSUS_THREAD, figure: pct(wall('versus'), wall('bare')), unit: '% wall', pairedMedian: paired('versus', 'ms'), ...spread('versus', 'ms'), ...common },
            { name: 'platform/versus-step-time', thread: VERSUS_THREAD, figure: median(stepRounds('versus')), unit: '% median step', ...summary(stepRounds('versus'), true), ...common },
            { name: 'platform/versus-vs-platform', thread: `${VERSUS_THREAD} vs ${CHECKPOINT_THREAD}`, figure: pct(wall('versus'), wall('platform')), unit: '% wall', ...spread('versus', 'ms', 'platform'), ...common },
            { name: 'platform/versus-vs-platform-beyond-steps', thread: `${VERSUS_THREAD} vs ${CHECKPOINT_THREAD}`, figure: median(excessRounds('versus', 'platform')), unit: 'points of % of the steps', ...summary(excessRounds('versus', 'platform'), true), ...common },
            { name: 'platform/versus-vs-platform-cpu', thread: `${VERSUS_THREAD} vs ${CHECKPOINT_THREAD}`, figure: pct(cpu('versus'), cpu('platform')), unit: '% cpu', ...spread('versus', 'cpuMs', 'platform'), ...common },
          ]
        : []),
      { name: 'platform/start', figure: median(results.platform.map((t) => t.startMs)), unit: 'ms', note: 'enqueue → first progress event (pickup, claim, model set-up, first log interval)', ...common },
      { name: 'platform/end', figure: median(results.platform.map((t) => t.endMs)), unit: 'ms', note: 'last step reported → completion event (final checkpoint, flush, status)', ...common },
    ];
    for (const f of figures) console.log(JSON.stringify(f));
  } finally {
    await queue.drain();
    await versus?.queue.drain();
    await bus.dispose();
    if (REDIS_URL) {
      const admin = new Redis(REDIS_URL);
      const keys = await admin.keys(`${prefix}:*`);
      if (keys.length > 0) await admin.del(...keys);
      await admin.quit();
    }
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
