import { Module } from '@nestjs/common';
import { CheckpointResolver } from './checkpoint-resolver.service';
import { GenerationController } from './generation.controller';
import { GenerationService } from './generation.service';
import { ModelCache } from './model-cache.service';

@Module({ controllers: [GenerationController], providers: [GenerationService, ModelCache, CheckpointResolver] })
export class GenerationModule {}
