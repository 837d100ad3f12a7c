/**
 * Time to first render of the dashboard's runs table with 5,000 runs and 1,000,000 metric
 * points in the database (200 points per run over 4 keys): a scratch database is seeded in
 * bulk through libs/db, the training and evaluation services and the built dashboard are
 * started on it, and Chromium (playwright-core, Debian's chromium) opens /runs. The figure is
 * navigation start → the table's first row visible, as the browser measures it, for the
 * table without a filter and with a metric filter and sort (SearchRuns aggregates the final
 * values of every candidate run in SQL). Median over `--rounds` cold page loads.
 *
 *   node libs/models/scripts/run-ts.mjs bench/runs-table-render.ts [--runs 5000] [--points 200]
 *        [--rounds 3] [--database-url postgresql://…] [--data-dir <dir>] [--quick]
 *
 * `--data-dir`: seed there and keep it; a later run with the same directory (and database)
 * reuses the seeded runs instead of seeding again.
 *
 * Needs built services and dashboard (`npx nx run-many -t build`). On PostgreSQL, a freshly
 * seeded database has no planner statistics until autovacuum analyzes it: seed with
 * `--data-dir`, run `ANALYZE` (psql), then measure with the same `--data-dir`, as a
 * long-lived database would be.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { datasetStats, encodeDataset, ring8 } from '@genlab/data';
import { openDatabase, type Database, type NewMetricPoint } from '@genlab/db';
import { arg, QUICK } from './lib/bench-args';

type Services = typeof import('../scripts/lib/services.mjs', { with: { 'resolution-mode': 'import' } });

const RUNS = Number(arg('runs', QUICK ? '500' : '5000'));
const POINTS = Number(arg('points', '200'));
const ROUNDS = Number(arg('rounds', QUICK ? '1' : '3'));
const DATABASE_URL = arg('database-url', '') || undefined;
const KEEP_DIR = arg('data-dir', '') || undefined;
const EXPERIMENT = `bench-${RUNS}x${POINTS}`;
const CHROMIUM = process.env['GENLAB_CHROMIUM'] ?? '/usr/lib/chromium/chromium';
const KEYS = ['train/loss', 'train/kl', 'train/reconstruction', 'val/loss'];
const FAMILIES = ['vae', 'made', 'dcgan', 'realnvp'];
const CONCURRENCY = 8;

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i] as T, i);
      }
    }),
  );
}

/** RUNS completed runs, each with POINTS points spread over KEYS; a tenth of them tagged. */
async function seed(db: Database): Promise<{ experimentId: string; seconds: number }> {
  const started = performance.now();
  const data = ring8.sample(1_000, 1);
  const artifact = await db.artifacts.put(encodeDataset(data), { kind: 'dataset', mediaType: 'application/x-genlab-dataset' });
  const stats = datasetStats(data);
  const dataset = await db.datasets.create({
    name: 'ring8',
    kind: 'synthetic',
    shape: [...data.shape],
    numExamples: data.count,
    numClasses: null,
    hasLabels: false,
    trainCount: 800,
    testCount: 200,
    artifactId: artifact.id,
    stats: { mean: stats.mean, std: stats.std, min: stats.min, max: stats.max },
  });
  const experiment = await db.experiments.create({ name: EXPERIMENT });
  const perKey = Math.ceil(POINTS / KEYS.length);
  await mapLimit(
    Array.from({ length: RUNS }, (_, i) => i),
    CONCURRENCY,
    async (i) => {
      const run = await db.runs.create({
        experimentId: experiment.id,
        datasetId: dataset.id,
        family: FAMILIES[i % FAMILIES.length] as string,
        config: { beta: 1 + (i % 8), learningRate: 10 ** -(2 + (i % 3)), hiddenDims: [64 * (1 + (i % 4))], batchSize: 64 },
        seed: i,
        totalSteps: perKey * 10,
      });
      await db.runs.updateStatus(run.id, 'running', { worker: 'bench' });
      const points: NewMetricPoint[] = [];
      const final = 50 + ((i * 7919) % 1000) / 10;
      for (const [k, key] of KEYS.entries()) {
        for (let s = 1; s <= perKey && points.length < POINTS; s++) points.push({ key, step: s * 10, value: final * (1 + 1 / s) + k });
      }
      await db.metrics.appendPoints(run.id, points);
      await db.runs.updateProgress(run.id, { stepsDone: perKey * 10 });
      await db.runs.updateStatus(run.id, 'completed');
      if (i % 10 === 0) await db.runs.update(run.id, { setTags: { team: i % 20 === 0 ? 'vision' : 'audio' } });
    },
  );
  return { experimentId: experiment.id, seconds: (performance.now() - started) / 1000 };
}

/** Navigation start → first run row visible, in ms, for a cold page load of `url`. */
async function firstRender(browser: Browser, url: string): Promise<{ ms: number; rows: number }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await page.goto(url, { waitUntil: 'commit', timeout: 120_000 });
    await page
      .getByTestId('run-row')
      .first()
      .waitFor({ state: 'visible', timeout: 120_000 })
      .catch(async (error: unknown) => {
        const shown = (await page.locator('main').textContent().catch(() => '')) ?? '';
        throw new Error(`no run row on ${url}: the page shows ${JSON.stringify(shown.slice(0, 600))}`, { cause: error });
      });
    const ms = await page.evaluate(() => performance.now());
    return { ms, rows: await page.getByTestId('run-row').count() };
  } finally {
    await page.close();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function main(): Promise<void> {
  const services: Services = await import('../scripts/lib/services.mjs');
  const dataDir = KEEP_DIR ?? (await mkdtemp(join(tmpdir(), 'genlab-bench-runs-')));
  const children: ChildProcess[] = [];
  let browser: Browser | undefined;
  try {
    const db = await openDatabase({ dataDir, databaseUrl: DATABASE_URL });
    const existing = KEEP_DIR ? await db.experiments.getByName(EXPERIMENT).catch(() => undefined) : undefined;
    const seeded = existing ? { experimentId: existing.id, seconds: 0 } : await seed(db);
    await db.close();
    console.error(existing ? `reusing the ${RUNS} runs in ${dataDir}` : `seeded ${RUNS} runs × ${POINTS} points (${db.provider}) in ${seeded.seconds.toFixed(1)} s`);

    const ports = {
      datasets: await services.freePort(),
      training: await services.freePort(),
      evaluation: await services.freePort(),
      generation: await services.freePort(),
      dashboard: await services.freePort(),
    };
    const env = { ...services.genlabEnv(process.env, { dataDir, ports, databaseUrl: DATABASE_URL }), GENLAB_LOG_LEVEL: 'warn' };
    for (const name of ['training', 'evaluation'] as const) {
      const child = services.launch(name, services.serviceCommand(name), env, { quiet: true });
      children.push(child);
      await services.waitForHealth(name, `127.0.0.1:${ports[name]}`, 60_000, child);
    }
    const dashboard = services.launch('dashboard', services.dashboardCommand(ports.dashboard), env, { quiet: true });
    children.push(dashboard);
    const base = `http://127.0.0.1:${ports.dashboard}`;
    for (let waited = 0; ; waited += 250) {
      if (await fetch(base).then((r) => r.ok, () => false)) break;
      if (waited > 60_000) throw new Error(`the dashboard did not start:\n${(dashboard as ChildProcess & { recentOutput(): string }).recentOutput()}`);
      await new Promise((r) => setTimeout(r, 250));
    }

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    const views = {
      'runs table': `/runs?experiment=${seeded.experimentId}`,
      'runs table, metric filter and sort': `/runs?experiment=${seeded.experimentId}&q=${encodeURIComponent('metrics.val/loss < 100 or (family = "vae" and params.beta >= 4)')}&sort=metrics.train%2Floss&dir=asc`,
    };
    // One warm-up load per view (the dashboard compiles nothing at run time, but its first
    // request opens the gRPC channels).
    for (const path of Object.values(views)) await firstRender(browser, base + path);
    for (const [name, path] of Object.entries(views)) {
      const times: number[] = [];
      let rows = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const result = await firstRender(browser, base + path);
        times.push(result.ms);
        rows = result.rows;
      }
      console.log(
        JSON.stringify({ name: `${name}: time to first row (${RUNS} runs, ${RUNS * POINTS} points, ${db.provider})`, figure: Math.round(median(times)), unit: 'ms', rounds: times.map(Math.round), rowsShown: rows }),
      );
    }
  } finally {
    await browser?.close();
    await Promise.all(children.map((child) => services.stop(child)));
    if (!KEEP_DIR) await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
