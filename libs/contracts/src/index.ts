export * as datasetsV1 from './generated/genlab/datasets/v1/datasets';
export * as trainingV1 from './generated/genlab/training/v1/training';
export * as evaluationV1 from './generated/genlab/evaluation/v1/evaluation';
export * as generationV1 from './generated/genlab/generation/v1/generation';
export type { Timestamp } from './generated/google/protobuf/timestamp';
export * from './proto-files';
export * from './timestamps';
