import { bootstrapService } from '@genlab/service-core';
import { DatasetsModule } from './datasets/datasets.module';

void bootstrapService('datasets', DatasetsModule);
