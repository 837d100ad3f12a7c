import { Module } from '@nestjs/common';
import { ArtifactsController } from './artifacts/artifacts.controller';
import { ExperimentsController } from './experiments/experiments.controller';
import { RunEventStream } from './runs/run-event-stream';
import { RunEventBus } from './runs/run-events';
import { RunExecutor } from './runs/run-executor.service';
import { RunsController } from './runs/runs.controller';
import { RunsService } from './runs/runs.service';

@Module({
  controllers: [ExperimentsController, RunsController, ArtifactsController],
  providers: [RunEventBus, RunEventStream, RunExecutor, RunsService],
})
export class TrainingModule {}
