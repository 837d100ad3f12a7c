/**
 * Time of the sample metrics of @genlab/metrics on random features: 10,000 real vs 10,000
 * generated vectors of 128 dims (real N(0, I), generated N(0.05, 1.1² I), seeded), on the
 * active backend. Each metric alone (FID; KID 100 subsets of 1000; precision/recall k = 3;
 * density/coverage k = 5), then all four in one `sampleMetrics` call that shares the
 * Gram blocks. Target: the shared call ≤ 10 s on the 2-core machine.
 *
 *   node libs/models/scripts/run-ts.mjs bench/sample-metrics.ts [--n 10000] [--dim 128] [--quick]
 *
 * `--quick`: 2,000 vs 2,000 (KID subsets of 500). Prints one JSON object per figure.
 */
import { initCompute } from '@genlab/compute';
import { createRng } from '@genlab/data';
import { densityCoverage, featureMatrix, frechetInceptionDistance, kernelInceptionDistance, precisionRecall, sampleMetrics, type FeatureMatrix } from '@genlab/metrics';
import { arg, QUICK } from './lib/bench-args';

const N = Number(arg('n', QUICK ? '2000' : '10000'));
const DIM = Number(arg('dim', '128'));
const KID = { subsets: 100, subsetSize: Math.min(1000, Math.floor(N / 4)) };
const TARGET_MS = 10_000;

function gaussianFeatures(count: number, seed: number, shift: number, scale: number): FeatureMatrix {
  const rng = createRng(seed);
  return featureMatrix(Float32Array.from({ length: count * DIM }, () => shift + scale * rng.nextNormal()), count, DIM);
}

async function timed<T>(run: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

async function main(): Promise<void> {
  const compute = await initCompute({ logger: false });
  const real = gaussianFeatures(N, 1, 0, 1);
  const generated = gaussianFeatures(N, 2, 0.05, 1.1);
  const workload = `${N} vs ${N} × ${DIM}`;
  const figure = (name: string, ms: number, extra: Record<string, unknown> = {}) =>
    process.stdout.write(`${JSON.stringify({ name, figure: Number(ms.toFixed(0)), unit: 'ms', backend: compute.backend, workload, ...extra })}\n`);

  await sampleMetrics(gaussianFeatures(64, 3, 0, 1), gaussianFeatures(64, 4, 0, 1), { kid: { subsets: 2, subsetSize: 32 } }); // warm-up: kernels, JIT

  const fid = await timed(() => frechetInceptionDistance(real, generated));
  figure('sample-metrics/fid', fid.ms, { fid: fid.value.fid, sqrtResidual: fid.value.sqrtResidual });
  const kid = await timed(() => kernelInceptionDistance(real, generated, KID));
  figure('sample-metrics/kid', kid.ms, { mean: kid.value.mean, std: kid.value.std });
  const pr = await timed(() => precisionRecall(real, generated));
  figure('sample-metrics/precision-recall', pr.ms, { precision: pr.value.precision, recall: pr.value.recall });
  const dc = await timed(() => densityCoverage(real, generated));
  figure('sample-metrics/density-coverage', dc.ms, { density: dc.value.density, coverage: dc.value.coverage });
  figure('sample-metrics/sum-of-separate', fid.ms + kid.ms + pr.ms + dc.ms);

  const shared = await timed(() => sampleMetrics(real, generated, { kid: KID }));
  const isTargetWorkload = N === 10_000 && DIM === 128;
  figure('sample-metrics/all-shared', shared.ms, { reference: `target ≤ ${TARGET_MS} ms for 10000 vs 10000 × 128`, ...(isTargetWorkload ? { withinTarget: shared.ms <= TARGET_MS } : {}) });
}

void main();
