import { Module } from '@nestjs/common';
import { ArtifactsController } from './artifacts/artifacts.controller';
import { ExperimentsController } from './experiments/experiments.controller';
import { runEventBusProvider, runQueueProvider, RunQueueLifecycle } from './queue/run-queue.provider';
import { RunEventStream } from './runs/run-event-stream';
import { RunSearchService } from './runs/run-search.service';
import { RunsController } from './runs/runs.controller';
import { RunsService } from './runs/runs.service';
import { SweepsController } from './sweeps/sweeps.controller';
import { SweepsService } from './sweeps/sweeps.service';

/** The training service: the API, and training unless GENLAB_TRAINING_ROLE is 'api'. */
@Module({
  controllers: [ExperimentsController, RunsController, SweepsController, ArtifactsController],
  providers: [runEventBusProvider, RunEventStream, runQueueProvider, RunQueueLifecycle, RunsService, RunSearchService, SweepsService],
})
export class TrainingModule {}

/**
 * A training worker only (GENLAB_TRAINING_ROLE=worker, with REDIS_URL): takes runs from the
 * queue; its gRPC server answers health checks and reflection but serves no API methods.
 */
@Module({
  providers: [runEventBusProvider, runQueueProvider, RunQueueLifecycle],
})
export class TrainingWorkerModule {}
