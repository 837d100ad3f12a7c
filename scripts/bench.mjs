#!/usr/bin/env node
// `npm run bench [-- --quick] [-- <name> ...]`: runs the benchmark entries in bench/ one
// after another (each prints JSON lines), then prints every figure in one table.
//
// Entries that run a WORKLOADS.md workload print a workload figure (`kind: 'workload'`:
// quality with its estimator, ms/step). When Debian's PyTorch is importable
// (`/usr/bin/python3 -c 'import torch'`), the same invocation also runs
// ../shared/bench/reference_pytorch.py (--threads 1 unless told, --quick passed on) for those workloads
// and prints ours beside the reference's, as JSON lines (`kind: 'comparison'`) and a table.
//
// Scheduling. A full run runs the reference after our entries, alone. With `--quick` the
// reference (on one thread) runs alongside our single-process entries, each on one of the
// machine's cores, so that the quick run fits in two minutes; the entries that start other
// processes (services, Chromium, PostgreSQL) run first, before the reference starts, so
// that nothing takes the reference's core. On a machine shared with other jobs both sides
// slow down; figures from one run are comparable as ratios, absolute times are not.
// `--sequential` runs the reference after our entries with `--quick` too.
// `--reference-threads N` runs the reference on N threads instead of WORKLOADS.md's one
// (for a like-for-like check of our two-thread entries; this Debian build of PyTorch gained
// under 10 % from a second thread here).
//
// Entries that start the built services run `nx run-many -t build` first (cached by Nx:
// about a second when nothing changed).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const PYTHON = '/usr/bin/python3';
const REFERENCE = resolve(ROOT, '../shared/bench/reference_pytorch.py');
/** The entry that runs each workload reference_pytorch.py knows, in the reference's order. */
const WORKLOAD_ENTRIES = { 'vae-mlp': 'vae-mlp-quality', made: 'made-quality', 'dcgan-28': 'dcgan-28', 'realnvp-ring8': 'realnvp-ring8' };
/** Entries that start other processes (the built services, Chromium, PostgreSQL): they need the build and a machine of their own. */
const MULTI_PROCESS_ENTRIES = new Set(['generation-throughput', 'runs-table-render']);

/** `--reference-threads N` or `--reference-threads=N` (WORKLOADS.md: 1), taken out of the arguments the entries get. */
const rawArgs = process.argv.slice(2).flatMap((a) => (a.startsWith('--reference-threads=') ? ['--reference-threads', a.slice(a.indexOf('=') + 1)] : [a]));
const referenceThreadsAt = rawArgs.indexOf('--reference-threads');
const referenceThreads = referenceThreadsAt >= 0 ? rawArgs[referenceThreadsAt + 1] : '1';
if (!/^[1-8]$/.test(referenceThreads ?? '')) {
  console.error('bench: --reference-threads takes a thread count from 1 to 8');
  process.exit(2);
}
const args = referenceThreadsAt >= 0 ? rawArgs.filter((_, i) => i !== referenceThreadsAt && i !== referenceThreadsAt + 1) : rawArgs;
const passThrough = args.filter((a) => a.startsWith('--'));
const quick = passThrough.includes('--quick');
/**
 * The reference alongside our entries (the --quick default) or after them. A reference on more
 * than one thread would take our entries' core: it always runs after them.
 */
const alongside = quick && !passThrough.includes('--sequential') && referenceThreads === '1';
const only = args.filter((a) => !a.startsWith('--'));
const selected = readdirSync(join(ROOT, 'bench'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.replace(/\.ts$/, ''))
  .filter((name) => only.length === 0 || only.includes(name));
const unknown = only.filter((name) => !selected.includes(name));
if (unknown.length > 0) {
  console.error(`bench: no entry named ${unknown.join(', ')} in bench/`);
  process.exit(2);
}
/** Multi-process entries first (with --quick the reference starts after them). */
const entries = [...selected.filter((n) => MULTI_PROCESS_ENTRIES.has(n)), ...selected.filter((n) => !MULTI_PROCESS_ENTRIES.has(n))];
const workloads = Object.keys(WORKLOAD_ENTRIES).filter((w) => entries.includes(WORKLOAD_ENTRIES[w]));

/**
 * Entries whose steps are large matrix products and convolutions (vae-mlp, made, dcgan-28) run
 * the wasm backend on two XNNPACK threads when the machine has two cores to give and nothing
 * else is asked (GENLAB_WASM_THREADS unset, the reference not running alongside): that is how a
 * training worker for such a model is meant to be deployed (README, configuration). RealNVP on
 * ring8 stays on one thread, where its ~770 small kernels a step run faster (PERFORMANCE.md).
 * The figure's `threads` and the comparison table name the count.
 */
const THREADED_ENTRIES = new Set(['dcgan-28', 'made-quality', 'vae-mlp-quality', 'vae-mlp-step']);
const entryEnv = (name) =>
  THREADED_ENTRIES.has(name) && !alongside && process.env.GENLAB_WASM_THREADS === undefined && availableParallelism() >= 2
    ? { ...process.env, GENLAB_WASM_THREADS: '2' }
    : process.env;

const started = performance.now();
const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
let failures = 0;

const jsonLines = (text) =>
  (text ?? '').split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line)];
    } catch {
      return []; // not a figure
    }
  });

/**
 * Starts reference_pytorch.py for `workloads`; resolves to its figures by workload, or to why it
 * did not run. Its output is held back and printed when it ends, so that it does not interleave
 * with an entry's.
 */
function startReference() {
  if (workloads.length === 0) return Promise.resolve({ unavailable: 'no workload entry ran' });
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    const why = probe.error?.message ?? probe.stderr.trim().split('\n').pop();
    return Promise.resolve({ unavailable: `torch is not importable by ${PYTHON} (${why}); install Debian's python3-torch to run it` });
  }
  if (!existsSync(REFERENCE)) return Promise.resolve({ unavailable: `${REFERENCE} is missing` });
  const command = [REFERENCE, '--threads', referenceThreads, '--workloads', workloads.join(','), ...(quick ? ['--quick'] : [])];
  console.log(`\n=== PyTorch reference started${alongside ? ' (alongside the single-process entries)' : ''}\n${PYTHON} ${command.join(' ')}`);
  const referenceStarted = performance.now();
  const child = spawn(PYTHON, command, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolveReference) => {
    child.on('error', (error) => {
      if (child.pid !== undefined) return; // a started process reports its end through 'close'
      failures++;
      resolveReference({ unavailable: `${PYTHON} did not start: ${error.message}` });
    });
    child.on('close', (status) => {
      if (child.pid === undefined) return; // never started: 'error' said so
      console.log(`\n=== PyTorch reference output`);
      process.stderr.write(stderr);
      process.stdout.write(stdout);
      // Noticed once the entry running then had finished: with --quick this is an upper bound.
      console.log(`--- PyTorch reference: ${status === 0 ? 'done' : 'FAILED'} in ${seconds(referenceStarted)}${alongside ? ' (at most)' : ''}`);
      if (status !== 0) failures++;
      resolveReference({ ran: true, byWorkload: new Map(jsonLines(stdout).map((r) => [r.workload, r])) });
    });
  });
}

if (entries.some((n) => MULTI_PROCESS_ENTRIES.has(n))) {
  console.log('=== build (nx run-many -t build; cached when nothing changed)');
  const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--outputStyle=static'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  if (build.status !== 0) {
    process.stdout.write(build.stdout ?? '');
    console.error('bench: the build failed; the entries that start services cannot run');
    process.exit(1);
  }
}

const figures = [];
const ours = new Map();
let referenceRun;
for (const name of entries) {
  if (alongside && referenceRun === undefined && !MULTI_PROCESS_ENTRIES.has(name)) referenceRun = startReference();
  console.log(`\n=== bench/${name}`);
  const entryStarted = performance.now();
  const result = spawnSync(process.execPath, [join(ROOT, 'libs/models/scripts/run-ts.mjs'), join(ROOT, 'bench', `${name}.ts`), ...passThrough], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: entryEnv(name),
  });
  process.stdout.write(result.stdout ?? '');
  console.log(`--- bench/${name}: ${result.status === 0 ? 'done' : 'FAILED'} in ${seconds(entryStarted)}`);
  if (result.status !== 0) failures++;
  for (const line of jsonLines(result.stdout)) {
    if (line.kind === 'workload') ours.set(line.workload, { entry: name, ...line });
    else if (line.name !== undefined) figures.push({ entry: name, ...line });
  }
}

const reference = await (referenceRun ?? startReference());

/** The reference's quality figure in our terms (its JSON names them differently). */
function referenceQuality(r) {
  if (r.kl_true_to_model_nats !== undefined) return { metric: 'KL(true‖model)', estimator: 'monte-carlo-20000', value: r.kl_true_to_model_nats };
  if (r.test_nll_nats !== undefined) return { metric: 'test NLL', estimator: r.estimator, value: r.test_nll_nats };
  return undefined;
}

const round = (x, digits) => (x === undefined ? undefined : Number(x.toFixed(digits)));

function comparison(workload, mine, theirs) {
  const q = mine.quality;
  const rq = theirs && referenceQuality(theirs);
  const ms = mine.msPerStep;
  const rms = theirs?.ms_per_step;
  return {
    kind: 'comparison',
    workload,
    quick,
    impl: { ours: mine.impl, reference: theirs?.impl },
    // Two threads against the reference's one are two cores against one: the table says so.
    threads: { ours: mine.threads, reference: theirs?.threads },
    quality: q && {
      metric: q.metric,
      estimator: q.estimator,
      unit: q.unit,
      ours: q.value,
      oursStdError: q.stdError,
      reference: round(rq?.value, 3),
      referenceEstimator: rq?.estimator,
      differenceNats: rq ? round(q.value - rq.value, 3) : undefined,
      ratio: rq ? round(q.value / rq.value, 3) : undefined,
    },
    msPerStep: ms !== undefined ? { ours: ms, reference: round(rms, 1), ratio: rms ? round(ms / rms, 2) : undefined } : undefined,
  };
}

const measured = workloads.filter((w) => ours.has(w));
if (measured.length > 0) {
  const rows = measured.map((w) => comparison(w, ours.get(w), reference.byWorkload?.get(w)));
  if (reference.unavailable) console.log(`\nPyTorch reference not run: ${reference.unavailable}. Ours only:`);
  else console.log(`\nOurs beside the PyTorch reference (same invocation${quick ? ', --quick for both' : ''}; ratio = ours / reference):`);
  for (const row of rows) console.log(JSON.stringify(row));
  console.table(
    rows.map(({ workload, quality: q, msPerStep: ms, threads }) => {
      const row = { workload, quality: q ? `${q.metric} (${q.estimator})` : '–', ours: q?.ours ?? '–' };
      if (reference.unavailable) return { ...row, 'ms/step': ms?.ours ?? '–', threads: threads.ours ?? '–' };
      return {
        ...row,
        reference: q?.reference ?? '–',
        'ours − ref (nats)': q?.differenceNats ?? '–',
        'quality ratio': q?.ratio ?? '–',
        'ms/step ours': ms?.ours ?? '–',
        'ms/step ref': ms?.reference ?? '–',
        'ms/step ratio': ms?.ratio ?? '–',
        'threads ours/ref': `${threads.ours ?? '–'}/${threads.reference ?? '–'}`,
      };
    }),
  );
  if (ours.has('realnvp-ring8')) console.log('realnvp-ring8: one seed\'s KL is a noisy comparison (over seeds 0–7 it spread over 1.4–2.9 nats here and 1.5–4.3 in PyTorch; README, model table).');
}
if (figures.length > 0) {
  console.log('\nOther figures:');
  console.table(figures.map(({ entry, name, figure, unit, backend }) => ({ entry, name, figure, unit, backend })));
}
console.log(`\nbench: ${entries.length} entries${reference.ran ? ' and the PyTorch reference' : ''} in ${seconds(started)}${failures ? `, ${failures} failed` : ''}`);
process.exit(failures ? 1 : 0);
