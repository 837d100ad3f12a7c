import { randomInt } from 'node:crypto';
import { trainingV1 } from '@genlab/contracts';
import { EXIT_FAILURE, EXIT_OK } from '../core/cli-error';
import type { CommandContext, CommandSpec } from '../core/command.types';
import { intOption, jsonObjectOption, stringOption } from '../core/option-values';
import { formatDetails, formatTable, formatTime } from '../output/table';
import { runView } from '../output/views';
import { pageFooter, pageOptions, pageRequest } from './paging';
import { watchRun } from './run-watch';

type RunView = ReturnType<typeof runView>;

export const runsTable = (items: readonly RunView[]) =>
  formatTable(
    ['id', 'experiment', 'dataset', 'family', 'status', 'steps', 'created'],
    items.map((r) => [r.id, r.experimentId, r.datasetId, r.family, r.status, `${r.stepsDone}/${r.totalSteps}`, formatTime(r.createTime)]),
  );

export const runDetails = (r: RunView) =>
  formatDetails([
    ['id', r.id],
    ['experiment', r.experimentId],
    ['dataset', r.datasetId],
    ['family', r.family],
    ['status', r.statusReason ? `${r.status} (${r.statusReason})` : r.status],
    ['error', r.error],
    ['steps', `${r.stepsDone}/${r.totalSteps}`],
    ['seed', r.seed],
    ['backend', r.backend],
    ['worker', r.worker],
    ['created', formatTime(r.createTime)],
    ['started', formatTime(r.startTime)],
    ['finished', formatTime(r.finishTime)],
    ['config', JSON.stringify(r.config)],
  ]);

/** Exit code for a finished run: 0 completed, 1 failed or cancelled (with the reason on stderr). */
function finish(ctx: CommandContext, run: trainingV1.Run, detached: boolean): number {
  const view = runView(run);
  if (detached) {
    ctx.emit(view, () => `detached; run ${run.id} is ${view.status} at step ${run.stepsDone}/${run.totalSteps} (genlab runs watch ${run.id} to follow it again)\n`);
    return 130;
  }
  ctx.emit(view, () => `run ${run.id} ${view.status}${view.statusReason ? ` (${view.statusReason})` : ''} after ${run.stepsDone}/${run.totalSteps} steps\n`);
  if (run.status === trainingV1.RunStatus.RUN_STATUS_COMPLETED) return EXIT_OK;
  if (!ctx.json) ctx.io.stderr.write(`error: run ${view.status}${view.statusReason ? `: ${view.statusReason}` : ''}${view.error ? `: ${view.error}` : ''}\n`);
  return EXIT_FAILURE;
}

const start: CommandSpec = {
  path: ['runs', 'start'],
  summary: 'Start a training run',
  description: "Validate the config against the family's schema on the server, then queue the run.",
  options: {
    experiment: { type: 'string', value: 'ID', description: 'Experiment id.', required: true },
    dataset: { type: 'string', value: 'ID', description: 'Dataset id.', required: true },
    family: { type: 'string', value: 'F', description: "Model family (see 'genlab families list').", required: true },
    config: { type: 'string', value: 'JSON|@FILE', description: "The family's config as a JSON object, inline or @file.json; missing fields take defaults." },
    seed: { type: 'string', value: 'S', description: 'Random seed (default: a random one, printed).' },
    watch: { type: 'boolean', description: 'Follow the run until it ends; exit 1 if it fails or is cancelled.' },
  },
  examples: [`genlab runs start --experiment EXP --dataset DS --family vae --config '{"likelihood":"gaussian","latentDim":2,"maxSteps":2000}' --watch`],
  async run(ctx, { options }) {
    const configJson = jsonObjectOption(options, 'config', ctx.io.cwd) ?? '{}';
    const seed = intOption(options, 'seed', { max: 2 ** 32 - 1 }) ?? randomInt(2 ** 31);
    const run = await ctx.rpc.unary('training', (c) => c.startRun, {
      experimentId: stringOption(options, 'experiment') as string,
      datasetId: stringOption(options, 'dataset') as string,
      family: stringOption(options, 'family') as string,
      configJson,
      seed,
    });
    if (!options.watch) {
      const view = runView(run);
      ctx.emit(view, () => runDetails(view));
      return EXIT_OK;
    }
    if (!ctx.json) ctx.io.stdout.write(`started run ${run.id} (seed ${run.seed}, ${run.totalSteps} steps)\n`);
    const watched = await watchRun(ctx, run.id);
    return finish(ctx, watched.run, watched.detached);
  },
};

const watch: CommandSpec = {
  path: ['runs', 'watch'],
  summary: 'Follow a run live until it ends (exit 0 completed, 1 failed/cancelled)',
  description:
    'Follow a run live until it ends: a progress bar on a terminal (steps done/total, steps/s, latest train/loss),\n' +
    'plain lines otherwise. Exits 0 when the run completes, 1 when it failed or was cancelled. Ctrl-C detaches\n' +
    'without stopping the run.',
  positionals: [{ name: 'ID', description: 'Run id.', required: true }],
  async run(ctx, { positionals }) {
    const watched = await watchRun(ctx, positionals.ID as string);
    return finish(ctx, watched.run, watched.detached);
  },
};

const list: CommandSpec = {
  path: ['runs', 'list'],
  summary: 'List runs, newest first',
  options: { experiment: { type: 'string', value: 'ID', description: 'Only the runs of this experiment.' }, ...pageOptions },
  async run(ctx, { options }) {
    const response = await ctx.rpc.unary('training', (c) => c.listRuns, { experimentId: stringOption(options, 'experiment') ?? '', ...pageRequest(options) });
    const runs = response.runs.map(runView);
    ctx.emit({ runs, total: response.total }, () => runsTable(runs) + pageFooter(runs.length, response.total, options));
    return EXIT_OK;
  },
};

const get: CommandSpec = {
  path: ['runs', 'get'],
  summary: 'Show a run',
  positionals: [{ name: 'ID', description: 'Run id.', required: true }],
  async run(ctx, { positionals }) {
    const view = runView(await ctx.rpc.unary('training', (c) => c.getRun, { id: positionals.ID as string }));
    ctx.emit(view, () => runDetails(view));
    return EXIT_OK;
  },
};

const stop: CommandSpec = {
  path: ['runs', 'stop'],
  summary: 'Stop a queued or running run',
  positionals: [{ name: 'ID', description: 'Run id.', required: true }],
  async run(ctx, { positionals }) {
    const view = runView(await ctx.rpc.unary('training', (c) => c.stopRun, { id: positionals.ID as string }));
    const pending = view.status === 'queued' || view.status === 'running';
    ctx.emit(view, () =>
      pending
        ? `stop requested for run ${view.id} (${view.status} at step ${view.stepsDone}/${view.totalSteps}; genlab runs watch ${view.id} to see it end)\n`
        : `run ${view.id}: ${view.status}${view.statusReason ? ` (${view.statusReason})` : ''}\n`,
    );
    return EXIT_OK;
  },
};

export const runCommands: readonly CommandSpec[] = [start, list, get, stop, watch];
