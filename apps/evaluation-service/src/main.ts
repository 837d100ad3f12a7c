import { bootstrapService } from '@genlab/service-core';
import { EvaluationsModule } from './evaluations/evaluations.module';

void bootstrapService('evaluation', EvaluationsModule, { compute: true });
