import { EXIT_FAILURE, EXIT_OK } from '../core/cli-error';
import type { CommandSpec } from '../core/command.types';
import { intOption, listOption, stringOption } from '../core/option-values';
import { formatNumber, formatTable } from '../output/table';
import { evaluationView, leaderboardView, metricResultView } from '../output/views';

type MetricView = ReturnType<typeof metricResultView>;

/** metric, value, unit, estimator, ± std error, n: one row per result. */
export const metricsTable = (results: readonly MetricView[], lead: { header: string; cell: (i: number) => string }[] = []) =>
  formatTable(
    [...lead.map((l) => l.header), 'metric', 'value', 'unit', 'estimator', '± std error', 'n', 'real vs real'],
    results.map((m, i) => [
      ...lead.map((l) => l.cell(i)),
      m.metric,
      formatNumber(m.value, 6),
      m.unit,
      m.estimator,
      m.stdError === undefined ? '' : `± ${formatNumber(m.stdError, 3)}`,
      m.sampleCount,
      m.realValue === undefined ? '' : formatNumber(m.realValue, 4),
    ]),
  );

const evaluate: CommandSpec = {
  path: ['evaluate'],
  summary: "Evaluate a run's checkpoint on its dataset's test split",
  description:
    "Evaluate a run's checkpoint on its dataset's test split. Metrics: neg_elbo and iwae (VAE, DDPM),\n" +
    'test_nll (exact-likelihood families), parzen. Every number comes with its estimator and standard error.',
  positionals: [{ name: 'RUN_ID', description: 'Run id.', required: true }],
  options: {
    metrics: { type: 'string', value: 'LIST', description: 'Comma-separated metric names (default: every likelihood metric the model has).' },
    k: { type: 'string', value: 'K', description: 'Importance samples of the IWAE bound (default 100, at most 5000).' },
    'max-examples': { type: 'string', value: 'N', description: 'Evaluate on the first N test examples (default: all).' },
    checkpoint: { type: 'string', value: 'ID', description: "Checkpoint id (default: the run's latest)." },
    samples: { type: 'string', value: 'N', description: 'Samples drawn for sample metrics and parzen (default: the test split size, at most 10000).' },
    features: { type: 'string', value: 'DIR', description: "A TensorFlow.js model directory under an import root whose output gives the features (default: the dataset's classifier)." },
    seed: { type: 'string', value: 'N', description: 'Seed of the samples and estimators (default 0).' },
  },
  examples: ['genlab evaluate RUN --metrics neg_elbo,iwae --k 100 --max-examples 1000'],
  async run(ctx, { positionals, options }) {
    const evaluation = evaluationView(
      await ctx.rpc.unary(
        'evaluation',
        (c) => c.evaluate,
        {
          runId: positionals.RUN_ID as string,
          checkpointId: stringOption(options, 'checkpoint') ?? '',
          metrics: listOption(options, 'metrics'),
          iwaeK: intOption(options, 'k', { min: 1, max: 5000, fallback: 0 }) as number,
          maxExamples: intOption(options, 'max-examples', { min: 1, max: 2 ** 31 - 1, fallback: 0 }) as number,
          numSamples: intOption(options, 'samples', { min: 1, max: 1_000_000, fallback: 0 }) as number,
          featureModelPath: stringOption(options, 'features') ?? '',
          kidSubsets: 0,
          kidSubsetSize: 0,
          seed: intOption(options, 'seed', { min: 0, max: 2 ** 32 - 1, fallback: 0 }) as number,
        },
        { long: true },
      ),
    );
    ctx.emit(evaluation, () => `evaluation ${evaluation.id} of run ${evaluation.runId}: ${evaluation.status}\n` + metricsTable(evaluation.results));
    if (evaluation.status === 'failed') {
      if (!ctx.json) ctx.io.stderr.write(`error: evaluation failed: ${evaluation.error}\n`);
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  },
};

const leaderboard: CommandSpec = {
  path: ['leaderboard'],
  summary: 'The best evaluation of every run on a dataset, across families',
  positionals: [{ name: 'DATASET_ID', description: 'Dataset id.', required: true }],
  async run(ctx, { positionals }) {
    const board = leaderboardView(await ctx.rpc.unary('evaluation', (c) => c.getLeaderboard, { datasetId: positionals.DATASET_ID as string }));
    const rows = board.rows.flatMap((row) => row.results.map((result) => ({ row, result })));
    ctx.emit(board, () =>
      rows.length === 0
        ? `no evaluations on dataset ${board.datasetId} yet\n`
        : metricsTable(
            rows.map((r) => r.result),
            [
              { header: 'run', cell: (i) => rows[i]?.row.runId ?? '' },
              { header: 'family', cell: (i) => rows[i]?.row.family ?? '' },
            ],
          ),
    );
    return EXIT_OK;
  },
};

export const evaluationCommands: readonly CommandSpec[] = [evaluate, leaderboard];
