import { bootstrapService } from '@genlab/service-core';
import { TrainingModule, TrainingWorkerModule } from './training.module';

// The role is validated with the rest of the configuration when the service starts.
const workerOnly = process.env['GENLAB_TRAINING_ROLE'] === 'worker';
void bootstrapService('training', workerOnly ? TrainingWorkerModule : TrainingModule, { compute: true });
