import { EXIT_OK } from '../core/cli-error';
import type { CommandSpec } from '../core/command.types';
import { stringOption } from '../core/option-values';
import { formatDetails, formatTable, formatTime } from '../output/table';
import { experimentView } from '../output/views';
import { pageFooter, pageOptions, pageRequest } from './paging';

type ExperimentView = ReturnType<typeof experimentView>;

export const experimentsTable = (items: readonly ExperimentView[]) =>
  formatTable(
    ['id', 'name', 'runs', 'status', 'created', 'last activity', 'description'],
    items.map((e) => [
      e.id,
      e.name,
      e.runCount,
      Object.entries(e.runs)
        .map(([status, count]) => `${count} ${status}`)
        .join(', '),
      formatTime(e.createTime),
      formatTime(e.lastActivityTime),
      e.description,
    ]),
  );

const create: CommandSpec = {
  path: ['experiments', 'create'],
  summary: 'Create an experiment (a named group of runs)',
  options: {
    name: { type: 'string', value: 'NAME', description: 'Experiment name.', required: true },
    description: { type: 'string', value: 'TEXT', description: 'What the experiment is about.' },
  },
  examples: ['genlab experiments create --name ring-vae --description "VAEs on ring8"'],
  async run(ctx, { options }) {
    const experiment = experimentView(
      await ctx.rpc.unary('training', (c) => c.createExperiment, { name: stringOption(options, 'name') as string, description: stringOption(options, 'description') ?? '' }),
    );
    ctx.emit(experiment, () =>
      formatDetails([
        ['id', experiment.id],
        ['name', experiment.name],
        ['description', experiment.description],
        ['created', formatTime(experiment.createTime)],
      ]),
    );
    return EXIT_OK;
  },
};

const list: CommandSpec = {
  path: ['experiments', 'list'],
  summary: 'List experiments',
  options: pageOptions,
  async run(ctx, { options }) {
    const response = await ctx.rpc.unary('training', (c) => c.listExperiments, pageRequest(options));
    const experiments = response.experiments.map(experimentView);
    ctx.emit({ experiments, total: response.total }, () => experimentsTable(experiments) + pageFooter(experiments.length, response.total, options));
    return EXIT_OK;
  },
};

export const experimentCommands: readonly CommandSpec[] = [create, list];
