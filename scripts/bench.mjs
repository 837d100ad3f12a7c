#!/usr/bin/env node
// `npm run bench [-- --quick] [-- <name> ...]`: runs the benchmark entries in bench/ one
// after another (each prints JSON lines), then prints every figure in one table.
//
// Entries that run a WORKLOADS.md workload print a workload figure (`kind: 'workload'`:
// quality with its estimator, ms/step). When Debian's PyTorch is importable
// (`/usr/bin/python3 -c 'import torch'`), the same invocation also runs
// ../shared/bench/reference_pytorch.py (--threads 1, --quick passed on) for those workloads
// and prints ours beside the reference's, as JSON lines (`kind: 'comparison'`) and a table.
// The reference runs after our entries, not alongside them: on the shared 2-core machine
// running both at once slowed the reference more than it saved. Figures from one run are
// comparable as ratios; absolute times on shared machines are not.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const PYTHON = '/usr/bin/python3';
const REFERENCE = resolve(ROOT, '../shared/bench/reference_pytorch.py');
/** The entry that runs each workload reference_pytorch.py knows, in the reference's order. */
const WORKLOAD_ENTRIES = { 'vae-mlp': 'vae-mlp-quality', made: 'made-quality', 'dcgan-28': 'dcgan-28', 'realnvp-ring8': 'realnvp-ring8' };

const args = process.argv.slice(2);
const passThrough = args.filter((a) => a.startsWith('--'));
const quick = passThrough.includes('--quick');
const only = args.filter((a) => !a.startsWith('--'));
const entries = readdirSync(join(ROOT, 'bench'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.replace(/\.ts$/, ''))
  .filter((name) => only.length === 0 || only.includes(name));
const workloads = Object.keys(WORKLOAD_ENTRIES).filter((w) => entries.includes(WORKLOAD_ENTRIES[w]));

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

/** Runs reference_pytorch.py for `workloads`: its output and figures by workload, or why it did not run. */
function runReference() {
  if (workloads.length === 0) return { unavailable: 'no workload entry ran' };
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    const why = probe.error?.message ?? probe.stderr.trim().split('\n').pop();
    return { unavailable: `torch is not importable by ${PYTHON} (${why}); install Debian's python3-torch to run it` };
  }
  if (!existsSync(REFERENCE)) return { unavailable: `${REFERENCE} is missing` };
  const command = [REFERENCE, '--threads', '1', '--workloads', workloads.join(','), ...(quick ? ['--quick'] : [])];
  console.log(`\n=== PyTorch reference\n${PYTHON} ${command.join(' ')}`);
  const referenceStarted = performance.now();
  const result = spawnSync(PYTHON, command, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(result.stdout ?? '');
  console.log(`--- PyTorch reference: ${result.status === 0 ? 'done' : 'FAILED'} in ${seconds(referenceStarted)}`);
  if (result.status !== 0) failures++;
  return { ran: true, byWorkload: new Map(jsonLines(result.stdout).map((r) => [r.workload, r])) };
}

const figures = [];
const ours = new Map();
for (const name of entries) {
  console.log(`\n=== bench/${name}`);
  const entryStarted = performance.now();
  const result = spawnSync(process.execPath, [join(ROOT, 'libs/models/scripts/run-ts.mjs'), join(ROOT, 'bench', `${name}.ts`), ...passThrough], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(result.stdout ?? '');
  console.log(`--- bench/${name}: ${result.status === 0 ? 'done' : 'FAILED'} in ${seconds(entryStarted)}`);
  if (result.status !== 0) failures++;
  for (const line of jsonLines(result.stdout)) {
    if (line.kind === 'workload') ours.set(line.workload, { entry: name, ...line });
    else if (line.name !== undefined) figures.push({ entry: name, ...line });
  }
}

const reference = runReference();

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
    rows.map(({ workload, quality: q, msPerStep: ms }) => {
      const row = { workload, quality: q ? `${q.metric} (${q.estimator})` : '–', ours: q?.ours ?? '–' };
      if (reference.unavailable) return { ...row, 'ms/step': ms?.ours ?? '–' };
      return {
        ...row,
        reference: q?.reference ?? '–',
        'ours − ref (nats)': q?.differenceNats ?? '–',
        'quality ratio': q?.ratio ?? '–',
        'ms/step ours': ms?.ours ?? '–',
        'ms/step ref': ms?.reference ?? '–',
        'ms/step ratio': ms?.ratio ?? '–',
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
