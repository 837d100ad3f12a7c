import type { Database, OwnedKind, Role } from '@genlab/db';

/**
 * What each RPC needs. `read`: any role. `create`: editor or admin (writes only new things).
 * `modify`: editor on resources it created, admin on any. `admin`: admin only.
 * `owns` names what a successful `create` made, so its creator is recorded as its owner.
 */
export type RpcPolicy =
  | { readonly access: 'read' }
  | { readonly access: 'create'; readonly owns?: { readonly kind: OwnedKind; readonly id: (result: unknown) => string | readonly string[] | undefined } }
  | { readonly access: 'modify'; readonly resource: (db: Database, request: unknown) => Promise<{ kind: OwnedKind; id: string } | undefined> }
  | { readonly access: 'admin' };

const read: RpcPolicy = { access: 'read' };
const create: RpcPolicy = { access: 'create' };
const resultId = (result: unknown) => (typeof result === 'object' && result !== null && typeof (result as { id?: unknown }).id === 'string' ? (result as { id: string }).id : undefined);
const creates = (kind: OwnedKind): RpcPolicy => ({ access: 'create', owns: { kind, id: resultId } });
const sweepRunIds = (result: unknown): string[] => {
  const runs = typeof result === 'object' && result !== null ? (result as { runs?: unknown }).runs : undefined;
  return Array.isArray(runs) ? runs.flatMap(resultId).filter((id): id is string => id !== undefined) : [];
};
const requestId = (request: unknown) => (typeof request === 'object' && request !== null ? String((request as { id?: unknown }).id ?? '') : '');
const modifies = (kind: OwnedKind): RpcPolicy => ({ access: 'modify', resource: async (_db, request) => ({ kind, id: requestId(request) }) });

/**
 * Every RPC of genlab's four services, `Service/Method`. An RPC missing here is refused
 * (PERMISSION_DENIED) whatever the role, so a new RPC must be classified before anyone can
 * call it; a test checks this table against the .proto files.
 */
export const RPC_POLICIES: Readonly<Record<string, RpcPolicy>> = {
  'DatasetService/ImportIdx': creates('dataset'),
  'DatasetService/UploadIdx': creates('dataset'),
  'DatasetService/ImportImageArchive': creates('dataset'),
  'DatasetService/CreateSynthetic': creates('dataset'),
  'DatasetService/GetDataset': read,
  'DatasetService/ListDatasets': read,
  'DatasetService/DeleteDataset': modifies('dataset'),
  'DatasetService/GetPreview': read,

  'TrainingService/CreateExperiment': creates('experiment'),
  'TrainingService/GetExperiment': read,
  'TrainingService/ListExperiments': read,
  'TrainingService/ListFamilies': read,
  'TrainingService/StartRun': creates('run'),
  'TrainingService/GetRun': read,
  'TrainingService/ListRuns': read,
  'TrainingService/StopRun': modifies('run'),
  'TrainingService/UpdateRun': modifies('run'),
  'TrainingService/SearchRuns': read,
  // A sweep creates runs: its caller owns every one of them (and may stop them).
  'TrainingService/StartSweep': { access: 'create', owns: { kind: 'run', id: sweepRunIds } },
  'TrainingService/GetSweep': read,
  'TrainingService/GetExperimentSummary': read,
  'TrainingService/StreamRunEvents': read,
  'TrainingService/ListMetrics': read,
  'TrainingService/ListCheckpoints': read,
  'TrainingService/ListArtifacts': read,
  'TrainingService/GetArtifactContent': read,

  // Evaluations are new records about a run: any editor may ask for one. Cancelling one
  // stops work someone else may be waiting for: the run's owner (or an admin) only.
  'EvaluationService/Evaluate': create,
  'EvaluationService/StartEvaluation': create,
  'EvaluationService/WatchEvaluation': read,
  'EvaluationService/CancelEvaluation': {
    access: 'modify',
    resource: async (db, request) => {
      const evaluation = await db.evaluations.get(requestId(request)).catch(() => undefined);
      return evaluation ? { kind: 'run', id: evaluation.runId } : undefined;
    },
  },
  'EvaluationService/GetEvaluation': read,
  'EvaluationService/ListEvaluations': read,
  'EvaluationService/GetLeaderboard': read,
  // Trains and stores the dataset's classifier on first use.
  'EvaluationService/GetFeatureExtractor': create,

  // Sampling reads; grids and exported decoders are stored as new artifacts.
  'GenerationService/Sample': read,
  'GenerationService/RenderSampleGrid': create,
  'GenerationService/Interpolate': read,
  'GenerationService/Reconstruct': read,
  'GenerationService/ExportDecoder': create,
};

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

/** Whether `role` may make a call of this kind (ownership is checked separately for `modify`). */
export function roleAllows(role: Role, policy: RpcPolicy): boolean {
  switch (policy.access) {
    case 'read':
      return true;
    case 'create':
    case 'modify':
      return RANK[role] >= RANK.editor;
    case 'admin':
      return role === 'admin';
  }
}
