import { failedPrecondition, invalidArgument } from '@genlab/errors';
import type { EstimatorKind } from '@genlab/metrics';
import type { ModelCapabilities } from '@genlab/models';

/** What a metric needs from the model, and from the dataset. */
interface MetricSpec {
  readonly group: 'likelihood' | 'sample' | 'known-density' | 'labels';
  readonly needs: keyof ModelCapabilities;
  readonly what: string;
  /** Lower is better (NLLs, distances) or higher (scores, fractions). */
  readonly better: 'lower' | 'higher';
  /** The likelihood estimator it reports, for likelihood metrics. */
  readonly estimator?: EstimatorKind;
}

export const METRICS = {
  test_nll: { group: 'likelihood', needs: 'logProb', estimator: 'exact', better: 'lower', what: 'exact test NLL' },
  neg_elbo: { group: 'likelihood', needs: 'elbo', estimator: 'elbo', better: 'lower', what: 'negative ELBO (an upper bound on the NLL)' },
  iwae: { group: 'likelihood', needs: 'iwae', estimator: 'iwae', better: 'lower', what: 'negative IWAE-k bound (a tighter upper bound on the NLL)' },
  parzen: { group: 'sample', needs: 'sample', better: 'lower', what: 'Parzen-window estimate of the test NLL from samples (weak in high dimensions)' },
  fid: { group: 'sample', needs: 'sample', better: 'lower', what: 'Fréchet distance between feature Gaussians' },
  kid: { group: 'sample', needs: 'sample', better: 'lower', what: 'kernel inception distance (unbiased MMD², cubic kernel)' },
  inception_score: { group: 'sample', needs: 'sample', better: 'higher', what: 'Inception Score from the classifier' },
  precision: { group: 'sample', needs: 'sample', better: 'higher', what: 'precision (k-NN manifold, k = 3)' },
  recall: { group: 'sample', needs: 'sample', better: 'higher', what: 'recall (k-NN manifold, k = 3)' },
  density: { group: 'sample', needs: 'sample', better: 'higher', what: 'density (k = 5)' },
  coverage: { group: 'sample', needs: 'sample', better: 'higher', what: 'coverage (k = 5)' },
  high_quality: { group: 'known-density', needs: 'sample', better: 'higher', what: 'fraction of samples within 3σ of a mode' },
  modes: { group: 'known-density', needs: 'sample', better: 'higher', what: 'modes covered by high-quality samples' },
  kl: { group: 'known-density', needs: 'logProb', better: 'lower', what: 'KL(true ‖ model)' },
  true_nll: { group: 'known-density', needs: 'sample', better: 'lower', what: "NLL of the model's samples under the true density" },
  generative_classifier: {
    group: 'labels',
    needs: 'conditional',
    better: 'higher',
    what: 'classification by argmax_y log p(x|y) + log p(y), beside the discriminative classifier',
  },
  linear_probe: { group: 'labels', needs: 'encode', better: 'higher', what: 'logistic regression on latent means (train split → test split)' },
  latent_projection: { group: 'labels', needs: 'encode', better: 'higher', what: "the test split's latent means in 2-D (PCA and UMAP), coloured by label" },
} as const satisfies Record<string, MetricSpec>;

/** Result names that are not request names (a request can store several results). */
const RESULT_DIRECTION: Record<string, 'lower' | 'higher'> = {
  accuracy: 'higher',
  label_nll: 'lower',
  ece: 'lower',
  probe_accuracy: 'higher',
  pca_variance_explained: 'higher',
};

export type MetricName = keyof typeof METRICS;
export type LikelihoodMetric = { [K in MetricName]: (typeof METRICS)[K]['group'] extends 'likelihood' ? K : never }[MetricName];

export const isMetricName = (name: string): name is MetricName => name in METRICS;
export const isLikelihoodMetric = (name: MetricName): name is LikelihoodMetric => METRICS[name].group === 'likelihood';
export const betterOf = (metric: string): 'lower' | 'higher' => RESULT_DIRECTION[metric] ?? (isMetricName(metric) ? METRICS[metric].better : 'lower');

/** What the dataset offers beyond its examples. */
export interface DatasetTraits {
  /** A synthetic dataset whose density genlab knows (ring8, grid25). */
  readonly knownDensity: boolean;
  /** Sample metrics have features: a classifier (labels), raw vectors, or a user model. */
  readonly hasFeatures: boolean;
  /** The features come with class probabilities (Inception Score). */
  readonly hasClassProbabilities: boolean;
  /** The dataset has labels (classification and probes). */
  readonly hasLabels: boolean;
}

function available(capabilities: ModelCapabilities, traits: DatasetTraits): MetricName[] {
  return (Object.keys(METRICS) as MetricName[]).filter((name) => {
    const spec: MetricSpec = METRICS[name];
    if (!capabilities[spec.needs]) return false;
    if (spec.group === 'known-density') return traits.knownDensity;
    if (spec.group === 'labels') {
      if (name === 'latent_projection') return true;
      const likelihood = capabilities.logProb || capabilities.elbo || capabilities.iwae;
      return traits.hasLabels && (name !== 'generative_classifier' || likelihood);
    }
    if (name === 'parzen') return true;
    if (spec.group === 'sample') return traits.hasFeatures && (name !== 'inception_score' || traits.hasClassProbabilities);
    return true;
  });
}

/**
 * The metrics to compute. None requested: every likelihood metric the model has; for a model
 * without one (a GAN), the sample metrics (and the known-density ones where they apply).
 * A metric the model or dataset cannot give → FAILED_PRECONDITION saying what it can give.
 */
export function chooseMetrics(family: string, capabilities: ModelCapabilities, traits: DatasetTraits, requested: readonly string[]): MetricName[] {
  const can = available(capabilities, traits);
  if (requested.length === 0) {
    const likelihood = can.filter((m) => METRICS[m].group === 'likelihood');
    if (likelihood.length > 0) return likelihood;
    const sampled = can.filter((m) => m !== 'parzen' && METRICS[m].group !== 'labels');
    if (sampled.length === 0) throw failedPrecondition(`${family} models have nothing to evaluate on this dataset`);
    return sampled;
  }
  for (const name of requested) {
    if (!isMetricName(name)) throw invalidArgument(`metrics: unknown metric '${name}'; known: ${Object.keys(METRICS).join(', ')}`);
    if (!can.includes(name)) throw failedPrecondition(`${family} models cannot report ${name} (${METRICS[name].what}) here; ${why(name, capabilities, traits, can)}`);
  }
  return [...new Set(requested)] as MetricName[];
}

function why(name: MetricName, capabilities: ModelCapabilities, traits: DatasetTraits, can: MetricName[]): string {
  const spec: MetricSpec = METRICS[name];
  const likelihoods = can.filter((m) => METRICS[m].group === 'likelihood');
  const instead =
    likelihoods.length > 0
      ? `it has ${likelihoods.map((m) => `${m} (${METRICS[m].what})`).join(', ')}: ask for those instead`
      : `it has no likelihood at all; ask for sample metrics instead (${can.join(', ') || 'none available'})`;
  const likelihood = capabilities.logProb || capabilities.elbo || capabilities.iwae;
  if (name === 'generative_classifier' && likelihood && !capabilities.conditional) {
    return 'it is not class-conditional, so it has no p(x|y): train a conditional family (conditional: true: VAE, PixelCNN, RealNVP) on a labelled dataset';
  }
  if (!capabilities[spec.needs]) return instead;
  if (spec.group === 'known-density') return 'the dataset has no known density (only synthetic ring8 and grid25 do)';
  if (spec.group === 'labels') return 'the dataset has no labels';
  if (name === 'inception_score') return "the features have no class probabilities (use the dataset's classifier)";
  return 'the dataset gives no features for sample metrics (import its labels, or give feature_model_path)';
}
