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
  readonly msPerStep?: number;
  readonly quality?: WorkloadQuality;
  readonly [detail: string]: unknown;
}

export const printWorkloadFigure = (figure: WorkloadFigure): void => {
  process.stdout.write(`${JSON.stringify({ kind: 'workload', ...figure })}\n`);
};

/** `genlab-tfjs-<version>-<backend>`, the `impl` of genlab's figures. */
export const genlabImpl = ({ tfjsVersion, backend }: { readonly tfjsVersion: string; readonly backend: string }): string =>
  `genlab-tfjs-${tfjsVersion}-${backend}`;
