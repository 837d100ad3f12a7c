/** The workloads of WORKLOADS.md, which ../shared/bench/reference_pytorch.py also runs. */
export type ReferenceWorkload = 'vae-mlp' | 'made' | 'dcgan-28' | 'realnvp-ring8';

export interface WorkloadQuality {
  /** What is measured, e.g. 'test NLL' or 'KL(true‖model)'. */
  readonly metric: string;
  /** How: 'exact', 'iwae-100', 'monte-carlo-20000', … */
  readonly estimator: string;
  readonly value: number;
  readonly unit: 'nats';
  readonly stdError?: number;
}

/**
 * One workload's figures from a bench entry: `npm run bench` (scripts/bench.mjs) reads
 * these lines (`kind: 'workload'`) and sets them beside the PyTorch reference's.
 */
export interface WorkloadFigure {
  readonly workload: ReferenceWorkload;
  readonly impl: string;
  readonly backend: string;
  /** e.g. `simd, 2 threads` (the compute line's detail). */
  readonly backendDetail: string;
  /** The wasm backend's XNNPACK threads; absent on the native backends, whose pools tfjs sizes itself. */
  readonly threads?: number;
  readonly msPerStep?: number;
  readonly quality?: WorkloadQuality;
  readonly [detail: string]: unknown;
}

export const printWorkloadFigure = (figure: WorkloadFigure): void => {
  process.stdout.write(`${JSON.stringify({ kind: 'workload', ...figure })}\n`);
};

/** How genlab's figures were computed: `impl` is `genlab-tfjs-<version>-<backend>`. */
export const genlabRuntime = (compute: {
  readonly tfjsVersion: string;
  readonly backend: string;
  readonly detail: string;
  readonly wasmThreads?: number;
}): Pick<WorkloadFigure, 'impl' | 'backend' | 'backendDetail' | 'threads'> => ({
  impl: `genlab-tfjs-${compute.tfjsVersion}-${compute.backend}`,
  backend: compute.backend,
  backendDetail: compute.detail,
  ...(compute.wasmThreads === undefined ? {} : { threads: compute.wasmThreads }),
});
