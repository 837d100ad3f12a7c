import { randomInt } from 'node:crypto';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { generationV1 } from '@genlab/contracts';
import { CliError, EXIT_OK, UsageError } from '../core/cli-error';
import type { CommandContext, CommandSpec } from '../core/command.types';
import { intOption, stringOption } from '../core/option-values';
import { writeSamples, type SampleBatch } from '../output/sample-files';

/** A path as the user would type it: relative below the working directory, absolute elsewhere. */
const shown = (ctx: CommandContext, path: string) => {
  const rel = relative(ctx.io.cwd, path);
  return rel && !rel.startsWith('..') ? rel : path;
};

/** Joins the chunks of a Sample stream, checking they line up. */
export function joinChunks(chunks: readonly generationV1.SampleChunk[]): SampleBatch {
  const first = chunks[0];
  if (!first) throw new CliError('the server sent no samples', 'NO_SAMPLES');
  let count = 0;
  for (const chunk of chunks) {
    if (chunk.offset !== count) throw new CliError(`sample chunks out of order: expected offset ${count}, got ${chunk.offset}`, 'BAD_STREAM');
    count += chunk.count;
  }
  const values = Buffer.concat(chunks.map((c) => c.values));
  const size = first.shape.reduce((a, b) => a * b, 1);
  if (values.length !== count * size * 4) throw new CliError(`expected ${count * size * 4} bytes of samples, got ${values.length}`, 'BAD_STREAM');
  return { shape: [...first.shape], count, values };
}

const sample: CommandSpec = {
  path: ['sample'],
  summary: 'Draw samples from a run: a PNG (grid or scatter plot) plus raw .f32 and a JSON sidecar',
  description:
    "Draw seeded samples from a run's checkpoint. Writes <base>.png (an image grid for image data, a scatter\n" +
    'plot for 2-D points), <base>.f32 (count × shape little-endian float32) and <base>.json (shape, seed, run).',
  positionals: [{ name: 'RUN_ID', description: 'Run id.', required: true }],
  options: {
    count: { type: 'string', value: 'N', description: 'Number of samples.', required: true },
    seed: { type: 'string', value: 'S', description: 'Seed (default: a random one, printed); same seed, same samples.' },
    temperature: { type: 'string', value: 'T', description: 'Sampling temperature (default 1).' },
    checkpoint: { type: 'string', value: 'ID', description: "Checkpoint id (default: the run's latest)." },
    out: { type: 'string', value: 'DIR', description: 'Output directory (default: the current directory).' },
  },
  examples: ['genlab sample RUN --count 64 --seed 1 --out samples/'],
  async run(ctx, { positionals, options }) {
    const runId = positionals.RUN_ID as string;
    const count = intOption(options, 'count', { min: 1, max: 2 ** 31 - 1 }) as number;
    const seed = intOption(options, 'seed', { max: 2 ** 32 - 1 }) ?? randomInt(2 ** 31);
    const rawTemperature = stringOption(options, 'temperature');
    const temperature = rawTemperature === undefined ? 0 : Number(rawTemperature);
    if (!(temperature >= 0) || !Number.isFinite(temperature)) throw new UsageError(`--temperature must be a non-negative number, got '${rawTemperature}'`);
    const checkpointId = stringOption(options, 'checkpoint') ?? '';
    const chunks: generationV1.SampleChunk[] = [];
    const stream = ctx.rpc.stream('generation', (c, metadata) => c.sample(generationV1.SampleRequest.fromPartial({ runId, checkpointId, count, seed, temperature }), metadata));
    for await (const chunk of stream) chunks.push(chunk);
    const batch = joinChunks(chunks);
    const dir = resolve(ctx.io.cwd, stringOption(options, 'out') ?? '.');
    const base = `${runId}-seed${seed}-n${batch.count}`;
    const files = writeSamples(dir, base, batch, { runId, checkpointId: checkpointId || undefined, seed, temperature: temperature || 1, count: batch.count });
    const result = { runId, seed, count: batch.count, shape: batch.shape, png: files.png, raw: files.raw, sidecar: files.sidecar };
    ctx.emit(result, () =>
      [
        `${batch.count} samples of shape [${batch.shape.join(', ')}] from run ${runId} (seed ${seed})`,
        files.png ? `  ${shown(ctx, files.png)}` : `  (${files.pngSkipped})`,
        `  ${shown(ctx, files.raw)}`,
        `  ${shown(ctx, files.sidecar)}`,
      ].join('\n') + '\n',
    );
    return EXIT_OK;
  },
};

const grid: CommandSpec = {
  path: ['grid'],
  summary: 'Render a sample grid on the server (stored as an artifact of the run) and save the PNG',
  positionals: [{ name: 'RUN_ID', description: 'Run id.', required: true }],
  options: {
    count: { type: 'string', value: 'N', description: 'Number of samples (default 64).' },
    seed: { type: 'string', value: 'S', description: 'Seed (default 0).' },
    columns: { type: 'string', value: 'C', description: 'Images per row (default ceil(sqrt(count))).' },
    checkpoint: { type: 'string', value: 'ID', description: "Checkpoint id (default: the run's latest)." },
    out: { type: 'string', value: 'FILE', description: 'PNG file to write (default <RUN_ID>-grid-seed<S>.png).' },
  },
  async run(ctx, { positionals, options }) {
    const runId = positionals.RUN_ID as string;
    const seed = intOption(options, 'seed', { max: 2 ** 32 - 1, fallback: 0 }) as number;
    const result = await ctx.rpc.unary(
      'generation',
      (c) => c.renderSampleGrid,
      {
        runId,
        checkpointId: stringOption(options, 'checkpoint') ?? '',
        count: intOption(options, 'count', { min: 1, max: 2 ** 31 - 1, fallback: 0 }) as number,
        seed,
        columns: intOption(options, 'columns', { min: 1, max: 2 ** 31 - 1, fallback: 0 }) as number,
      },
      { long: true },
    );
    const file = resolve(ctx.io.cwd, stringOption(options, 'out') ?? `${runId}-grid-seed${seed}.png`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, result.png);
    const view = { runId, artifactId: result.artifactId, checkpointId: result.checkpointId, step: result.step, seed, png: file, bytes: result.png.length };
    ctx.emit(view, () => `sample grid of run ${runId} at step ${result.step} (artifact ${result.artifactId})\n  ${shown(ctx, file)}\n`);
    return EXIT_OK;
  },
};

export const sampleCommands: readonly CommandSpec[] = [sample, grid];
