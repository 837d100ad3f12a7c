import type { CommandSpec } from '../core/command.types';
import { datasetCommands } from './datasets.commands';
import { evaluationCommands } from './evaluate.commands';
import { experimentCommands } from './experiments.commands';
import { familyCommands } from './families.commands';
import { runCommands } from './runs.commands';
import { sampleCommands } from './sample.commands';

/** Every command, in the order `genlab --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  ...datasetCommands,
  ...experimentCommands,
  ...familyCommands,
  ...runCommands,
  ...evaluationCommands.filter((c) => c.path[0] === 'evaluate'),
  ...sampleCommands,
  ...evaluationCommands.filter((c) => c.path[0] !== 'evaluate'),
];
