import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { datasetsV1 } from '@genlab/contracts';
import { CliError, EXIT_OK } from '../core/cli-error';
import type { CommandContext, CommandSpec } from '../core/command.types';
import { intOption, stringOption } from '../core/option-values';
import { datasetView } from '../output/views';
import { formatDetails, formatNumber, formatTable, formatTime } from '../output/table';
import { pageOptions, pageRequest, pageFooter } from './paging';

/** Chunk size of UploadIdx messages (well under the 16 MiB message limit). */
export const UPLOAD_CHUNK_BYTES = 1024 * 1024;

type DatasetView = ReturnType<typeof datasetView>;

export function datasetDetails(d: DatasetView): string {
  const stats = d.stats;
  return formatDetails([
    ['id', d.id],
    ['name', d.name],
    ['kind', d.kind],
    ['shape', `[${d.shape.join(', ')}]`],
    ['examples', `${d.numExamples} (train ${d.trainCount}, test ${d.testCount})`],
    ['classes', d.hasLabels ? d.numClasses : 'unlabelled'],
    ['stats', stats ? `mean ${formatNumber(stats.mean, 4)}, std ${formatNumber(stats.std, 4)}, min ${formatNumber(stats.min, 4)}, max ${formatNumber(stats.max, 4)}` : undefined],
    ['class counts', stats?.classCounts.length ? stats.classCounts.join(' ') : undefined],
    ['created', formatTime(d.createTime)],
  ]);
}

export function datasetsTable(items: readonly DatasetView[]): string {
  return formatTable(
    ['id', 'name', 'kind', 'shape', 'examples', 'train', 'test', 'classes', 'created'],
    items.map((d) => [d.id, d.name, d.kind, `[${d.shape.join(',')}]`, d.numExamples, d.trainCount, d.testCount, d.hasLabels ? d.numClasses : '-', formatTime(d.createTime)]),
  );
}

const showDataset = (ctx: CommandContext, dataset: datasetsV1.Dataset) => {
  const view = datasetView(dataset);
  ctx.emit(view, () => datasetDetails(view));
  return EXIT_OK;
};

/** Size of a local file, or a CliError naming it. */
function localFile(ctx: CommandContext, flag: string, path: string): string {
  const full = resolve(ctx.io.cwd, path);
  let stat;
  try {
    stat = statSync(full);
  } catch (error) {
    throw new CliError(`${flag}: cannot read '${path}': ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, 'LOCAL_FILE');
  }
  if (!stat.isFile()) throw new CliError(`${flag}: '${path}' is not a file`, 'LOCAL_FILE');
  return full;
}

async function* fileChunks(path: string): AsyncGenerator<Buffer> {
  for await (const chunk of createReadStream(path, { highWaterMark: UPLOAD_CHUNK_BYTES })) yield chunk as Buffer;
}

const importIdx: CommandSpec = {
  path: ['datasets', 'import-idx'],
  summary: 'Import IDX image (and label) files, raw or gzipped',
  description:
    'Import IDX image (and label) files, raw or gzipped. By default the local files are streamed to the\n' +
    'server (UploadIdx, 1 MiB chunks); with --server-path the paths are read on the server, relative to\n' +
    'its import root (GENLAB_IMPORT_ROOT).',
  options: {
    name: { type: 'string', value: 'NAME', description: 'Dataset name.', required: true },
    images: { type: 'string', value: 'PATH', description: 'IDX images file.', required: true },
    labels: { type: 'string', value: 'PATH', description: 'IDX labels file (optional).' },
    'test-count': { type: 'string', value: 'K', description: 'Size of the test split (the last K examples); default 20%.' },
    'server-path': { type: 'boolean', description: 'Treat --images/--labels as paths under the server\'s import root.' },
  },
  examples: [
    'genlab datasets import-idx --name mnist --images t10k-images-idx3-ubyte.gz --labels t10k-labels-idx1-ubyte.gz --test-count 2000',
    'genlab datasets import-idx --name mnist --images mnist/t10k-images-idx3-ubyte.gz --server-path',
  ],
  async run(ctx, { options }) {
    const name = stringOption(options, 'name') as string;
    const images = stringOption(options, 'images') as string;
    const labels = stringOption(options, 'labels');
    const testCount = intOption(options, 'test-count', { fallback: 0 }) as number;
    if (options['server-path']) {
      const dataset = await ctx.rpc.unary('datasets', (c) => c.importIdx, { name, imagesPath: images, labelsPath: labels ?? '', testCount }, { long: true });
      return showDataset(ctx, dataset);
    }
    const imagesFile = localFile(ctx, '--images', images);
    const labelsFile = labels === undefined ? undefined : localFile(ctx, '--labels', labels);
    const dataset = await ctx.rpc.clientStream('datasets', (c) => c.uploadIdx, async (write: (m: datasetsV1.UploadIdxChunk) => Promise<void>) => {
      await write({ header: { name, testCount, hasLabels: labelsFile !== undefined } });
      for await (const chunk of fileChunks(imagesFile)) await write({ imagesChunk: chunk });
      if (labelsFile) for await (const chunk of fileChunks(labelsFile)) await write({ labelsChunk: chunk });
    });
    return showDataset(ctx, dataset);
  },
};

const synthetic: CommandSpec = {
  path: ['datasets', 'synthetic'],
  summary: 'Create a synthetic 2-D mixture dataset (ring8, grid25)',
  options: {
    name: { type: 'string', value: 'NAME', description: 'Dataset name.', required: true },
    generator: { type: 'string', value: 'ring8|grid25', description: '8 Gaussians on a circle, or a 5×5 grid of Gaussians.', required: true },
    count: { type: 'string', value: 'N', description: 'Number of examples (server default when omitted).' },
    seed: { type: 'string', value: 'S', description: 'Random seed (default 0).' },
    'test-count': { type: 'string', value: 'K', description: 'Size of the test split; default 20%.' },
  },
  examples: ['genlab datasets synthetic --name ring --generator ring8 --count 4000 --seed 3'],
  async run(ctx, { options }) {
    const dataset = await ctx.rpc.unary('datasets', (c) => c.createSynthetic, {
      name: stringOption(options, 'name') as string,
      generator: stringOption(options, 'generator') as string,
      numExamples: intOption(options, 'count', { min: 1, max: 2 ** 31 - 1, fallback: 0 }) as number,
      seed: intOption(options, 'seed', { max: 2 ** 32 - 1, fallback: 0 }) as number,
      testCount: intOption(options, 'test-count', { max: 2 ** 31 - 1, fallback: 0 }) as number,
    });
    return showDataset(ctx, dataset);
  },
};

const list: CommandSpec = {
  path: ['datasets', 'list'],
  summary: 'List datasets',
  options: pageOptions,
  async run(ctx, { options }) {
    const response = await ctx.rpc.unary('datasets', (c) => c.listDatasets, pageRequest(options));
    const datasets = response.datasets.map(datasetView);
    ctx.emit({ datasets, total: response.total }, () => datasetsTable(datasets) + pageFooter(datasets.length, response.total, options));
    return EXIT_OK;
  },
};

const get: CommandSpec = {
  path: ['datasets', 'get'],
  summary: 'Show a dataset',
  positionals: [{ name: 'ID', description: 'Dataset id.', required: true }],
  async run(ctx, { positionals }) {
    return showDataset(ctx, await ctx.rpc.unary('datasets', (c) => c.getDataset, { id: positionals.ID as string }));
  },
};

const remove: CommandSpec = {
  path: ['datasets', 'delete'],
  summary: 'Delete a dataset and its stored tensors',
  positionals: [{ name: 'ID', description: 'Dataset id.', required: true }],
  async run(ctx, { positionals }) {
    const id = positionals.ID as string;
    await ctx.rpc.unary('datasets', (c) => c.deleteDataset, { id });
    ctx.emit({ id, deleted: true }, () => `deleted dataset ${id}\n`);
    return EXIT_OK;
  },
};

export const datasetCommands: readonly CommandSpec[] = [importIdx, synthetic, list, get, remove];
