export { meanAndStdError, type MeanAndStdError } from './mean-std-error';
export { natsToBitsPerDim, bitsPerDimToNats } from './units';
export {
  evaluateLikelihood,
  type EstimatorKind,
  type EvaluateLikelihoodOptions,
  type LikelihoodData,
  type LikelihoodEstimate,
  type LikelihoodModel,
} from './evaluate-likelihood';

// Sample metrics over feature matrices.
export { featureMatrix, type FeatureMatrix } from './features/feature-matrix';
export { gaussianStatistics, type GaussianStatistics } from './frechet/gaussian-statistics';
export { frechetDistanceOfGaussians, frechetInceptionDistance, type FrechetDistance } from './frechet/frechet-distance';
export type { KernelInceptionDistance } from './kid/kid-accumulator';
export type { DensityCoverage, PrecisionRecall } from './manifold/manifold-accumulator';
export type { BlockOptions } from './pairwise/gram-blocks';
export {
  densityCoverage,
  kernelInceptionDistance,
  precisionRecall,
  sampleMetrics,
  type KidOptions,
  type NeighbourOptions,
  type SampleMetrics,
  type SampleMetricsOptions,
} from './sample-metrics';
export { inceptionScore, type InceptionScore, type InceptionScoreOptions } from './inception-score';
export { DEFAULT_PARZEN_SIGMAS, parzenLogLikelihood, type ParzenEstimate, type ParzenOptions, type ParzenSets } from './parzen/parzen-window';

// 2-D synthetic data with a known density (ring8, grid25 of @genlab/data).
export { modeCoverage, type ModeCoverage, type ModeCoverageOptions } from './synthetic/mode-coverage';
export { klTrueToModel, trueDensityNll, type KnownDensity } from './synthetic/true-density-metrics';

// Generative vs discriminative classification, and latent structure (issue 10).
export { argmaxRow, assertClassMatrix, type ClassMatrix } from './classification/class-matrix';
export { DEFAULT_CALIBRATION_BINS, expectedCalibrationError, type Calibration, type CalibrationBin } from './classification/calibration';
export {
  PROBABILITY_FLOOR,
  classificationMetrics,
  classificationMetricsFromLogProbabilities,
  type ClassificationMetrics,
  type ClassificationMetricsOptions,
} from './classification/classification-metrics';
export {
  empiricalLogPriors,
  generativeClassification,
  generativePosteriors,
  type ClassLogLikelihoods,
  type GenerativeClassification,
  type GenerativeClassificationOptions,
  type LikelihoodEstimator,
} from './classification/generative-classifier';
export {
  classLogLikelihoods,
  type ClassConditionalSource,
  type ClassEstimatorKind,
  type ClassLikelihoodModel,
  type ClassLogLikelihoodOptions,
} from './classification/class-log-likelihoods';
export { fitLogisticRegression, logisticProbabilities, type LogisticRegression, type LogisticRegressionOptions } from './classification/logistic-regression';
export { latentMeans, type EncoderModel, type LatentMeansOptions } from './latent/latent-means';
export { linearProbe, type LabelledFeatures, type LinearProbe, type LinearProbeOptions } from './latent/linear-probe';
export { pcaProjection, type PcaProjection } from './latent/pca-projection';
export { umapEmbedding, type UmapEmbedding, type UmapOptions } from './latent/umap-embedding';
