import { bootstrapService } from '@genlab/service-core';
import { TrainingModule } from './training.module';

void bootstrapService('training', TrainingModule, { compute: true });
