import { mkdir } from 'node:fs/promises';
import { failedPrecondition, invalidArgument } from '@genlab/errors';
import { createAccessRepository, type AccessRepository } from './access/access.repository';
import { ArtifactFiles } from './artifacts/artifact-files';
import { createArtifactStore, type ArtifactStore } from './artifacts/artifact-store';
import { createCheckpointRepository, type CheckpointRepository } from './checkpoints/checkpoint.repository';
import { createDatasetRepository, type DatasetRepository } from './datasets/dataset.repository';
import { createEvaluationRepository, type EvaluationRepository } from './evaluations/evaluation.repository';
import { createExperimentRepository, type ExperimentRepository } from './experiments/experiment.repository';
import { createMetricRepository, type MetricRepository } from './metrics/metric.repository';
import { resolveDatabaseTarget, type DatabaseProvider, type DatabaseTarget } from './migrations/database-target';
import { findMigrationsRoot } from './migrations/migrations-directory';
import { Migrator } from './migrations/migrator';
import { createPrismaClient } from './prisma-client.factory';
import { createRunRepository, type RunRepository } from './runs/run.repository';
import { createRunSearchRepository, type RunSearchRepository } from './runs/run-search.repository';
import { createSweepRepository, type SweepRepository } from './sweeps/sweep.repository';

export interface OpenDatabaseOptions {
  /** postgres:// or postgresql:// for PostgreSQL; unset or empty for SQLite. */
  readonly databaseUrl?: string;
  /** Holds the SQLite file `genlab.db` (when used) and the `artifacts/` folder. */
  readonly dataDir: string;
  /** The `prisma/migrations` folder; found above this module or the working directory by default. */
  readonly migrationsDir?: string;
}

export interface Database {
  readonly provider: DatabaseProvider;
  /** Migrations this open applied (empty when the schema was up to date). */
  readonly appliedMigrations: readonly string[];
  readonly datasets: DatasetRepository;
  readonly experiments: ExperimentRepository;
  readonly runs: RunRepository;
  /** Bulk reads for the runs table: candidates, final metrics, latest evaluation results. */
  readonly runSearch: RunSearchRepository;
  readonly sweeps: SweepRepository;
  readonly metrics: MetricRepository;
  readonly checkpoints: CheckpointRepository;
  readonly evaluations: EvaluationRepository;
  readonly artifacts: ArtifactStore;
  /** API tokens and who owns what (access control). */
  readonly access: AccessRepository;
  close(): Promise<void>;
}

/**
 * Opens the database (applying pending migrations first) and the artifact store. SQLite
 * runs in WAL mode with a 5 s busy timeout, so several processes can share the file.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const target = toTarget(options);
  await mkdir(options.dataDir, { recursive: true });
  const migrator = new Migrator(target, migrationsRoot(options));
  let appliedMigrations: string[];
  try {
    appliedMigrations = await migrator.apply();
  } finally {
    await migrator.close();
  }

  const db = await createPrismaClient(target);
  const files = new ArtifactFiles(options.dataDir);
  return {
    provider: target.provider,
    appliedMigrations,
    datasets: createDatasetRepository(db, files),
    experiments: createExperimentRepository(db),
    runs: createRunRepository(db, files),
    runSearch: createRunSearchRepository(db, target.provider),
    sweeps: createSweepRepository(db),
    metrics: createMetricRepository(db, target.provider),
    checkpoints: createCheckpointRepository(db, files, target.provider),
    evaluations: createEvaluationRepository(db),
    artifacts: createArtifactStore(db, files),
    access: createAccessRepository(db),
    close: () => db.$disconnect(),
  };
}

function toTarget({ databaseUrl, dataDir }: OpenDatabaseOptions): DatabaseTarget {
  try {
    return resolveDatabaseTarget(databaseUrl, dataDir);
  } catch (error) {
    throw invalidArgument(error instanceof Error ? error.message : String(error));
  }
}

function migrationsRoot(options: OpenDatabaseOptions): string {
  const root = options.migrationsDir ?? findMigrationsRoot(__dirname) ?? findMigrationsRoot(process.cwd());
  if (!root) throw failedPrecondition('prisma/migrations was not found: pass migrationsDir to openDatabase');
  return root;
}
