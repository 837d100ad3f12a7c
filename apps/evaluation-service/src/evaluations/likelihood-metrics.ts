import type { EstimatorKind } from '@genlab/metrics';
import type { ModelCapabilities } from '@genlab/models';

/** Likelihood metrics the service computes, and the capability each needs. */
export const LIKELIHOOD_METRICS = {
  neg_elbo: { needs: 'elbo', estimator: 'elbo', what: 'negative ELBO (an upper bound on the NLL)' },
  iwae: { needs: 'iwae', estimator: 'iwae', what: 'negative IWAE-k bound (a tighter upper bound on the NLL)' },
  test_nll: { needs: 'logProb', estimator: 'exact', what: 'exact test NLL' },
} as const satisfies Record<string, { needs: keyof ModelCapabilities; estimator: EstimatorKind; what: string }>;

export type LikelihoodMetric = keyof typeof LIKELIHOOD_METRICS;

export const isLikelihoodMetric = (name: string): name is LikelihoodMetric => name in LIKELIHOOD_METRICS;

/** The likelihood metrics a model with these capabilities can report. */
export function availableMetrics(capabilities: ModelCapabilities): LikelihoodMetric[] {
  return (Object.keys(LIKELIHOOD_METRICS) as LikelihoodMetric[]).filter((m) => capabilities[LIKELIHOOD_METRICS[m].needs]);
}

/** The metric name under which an estimate of the NLL is stored, from its estimator. */
export function metricForEstimator(estimator: string): LikelihoodMetric {
  if (estimator === 'elbo') return 'neg_elbo';
  if (estimator === 'exact') return 'test_nll';
  return 'iwae';
}
