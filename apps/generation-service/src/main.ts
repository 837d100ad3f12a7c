import { bootstrapService } from '@genlab/service-core';
import { GenerationModule } from './generation/generation.module';

void bootstrapService('generation', GenerationModule, { compute: true });
