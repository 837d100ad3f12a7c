export { MODEL_FAMILIES, isModelFamily, type ModelFamily } from './model-family';
export {
  canComputeElbo,
  canComputeIwae,
  canComputeLogProb,
  canDecode,
  canExportDecoder,
  canEncode,
  type CreateModelOptions,
  type EstimatorOptions,
  type SampleOptions,
  type GenerativeModel,
  type IwaeOptions,
  type ModelCapabilities,
} from './generative-model';
export type { DensityKind, ModelFactory } from './model-factory';
export {
  createModel,
  familyInfo,
  listFamilies,
  loadModel,
  loadParametersInto,
  modelConfigJsonSchema,
  parseConfig,
  parseModelFamily,
  prepareDataset,
  assertDatasetFits,
  trainingPlan,
  trainingExamples,
  type ModelConfig,
  type ModelConfigInput,
  type FamilyDescriptor,
} from './model-registry';
export type { ConfigIssue } from './config-validation';
export type { DatasetSummary } from './dataset-summary';
export { standardTrainingPlan, type TrainingPlan, type TrainingSchedule } from './training-plan';
export { VAE_LIKELIHOODS, vaeConfigSchema, type VaeConfig, type VaeConfigInput, type VaeLikelihoodKind } from './vae/vae.config';
export { MODEL_FORMAT_VERSION } from './serialization/model-bytes';
export {
  GAN_ARCHITECTURES,
  dcganConfigSchema,
  wganGpConfigSchema,
  type DcganConfig,
  type DcganConfigInput,
  type GanArchitecture,
  type WganGpConfig,
  type WganGpConfigInput,
} from './gan/gan.config';
export { DDPM_ARCHITECTURES, DDPM_SCHEDULES, ddpmConfigSchema, type DdpmConfig, type DdpmConfigInput } from './ddpm/ddpm.config';
export { pixelCnnConfigSchema, type PixelCnnConfig, type PixelCnnConfigInput } from './pixelcnn/pixelcnn.config';
export { MADE_BINARIZATIONS, MADE_ORDERINGS, madeConfigSchema, type MadeConfig, type MadeConfigInput } from './made/made.config';
export { REALNVP_DEQUANTIZATIONS, realNvpConfigSchema, type RealNvpConfig, type RealNvpConfigInput } from './realnvp/realnvp.config';
export { TFJS_WEIGHTS_FILE, type ExportedTfjsModel } from './export/tfjs-layers.export';
