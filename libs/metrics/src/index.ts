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
