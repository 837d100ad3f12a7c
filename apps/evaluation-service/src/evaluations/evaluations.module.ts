import { Module } from '@nestjs/common';
import { FeatureExtractors } from '../features/feature-extractors.service';
import { EvaluationJobs } from './evaluation-jobs.service';
import { EvaluationRunner } from './evaluation-runner';
import { EvaluationsController } from './evaluations.controller';
import { EvaluationsService } from './evaluations.service';
import { SweepEvaluations } from './sweep-evaluations.service';

@Module({ controllers: [EvaluationsController], providers: [EvaluationsService, EvaluationJobs, EvaluationRunner, FeatureExtractors, SweepEvaluations] })
export class EvaluationsModule {}
