import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { ErrorCode } from '@genlab/errors';
import { layersModelFiles, loadTfjsModel, readTfjsModelDirectory, writeTfjsModelDirectory } from './tfjs-model-files';

let dir: string;
beforeAll(async () => {
  await initCompute({ logger: false });
  dir = mkdtempSync(join(tmpdir(), 'genlab-tfjs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const output = async (model: tf.LayersModel | tf.GraphModel, input: number[][]) => {
  const x = tf.tensor2d(input);
  const y = model.predict(x) as tf.Tensor;
  const values = Array.from(await y.data());
  tf.dispose([x, y]);
  return values;
};

describe('tfjs model files', () => {
  it('round-trips a layers model through a directory on disk', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })] });
    const expected = await output(model, [[1, 2], [3, -1]]);
    await writeTfjsModelDirectory(join(dir, 'layers'), await layersModelFiles(model));
    const loaded = await loadTfjsModel(await readTfjsModelDirectory(join(dir, 'layers')));
    expect(await output(loaded, [[1, 2], [3, -1]])).toEqual(expected);
    model.dispose();
    loaded.dispose();
  });

  it('loads a graph model written by hand (MatMul of the input with a stored constant)', async () => {
    const graphDir = join(dir, 'graph');
    const shape = (dims: number[]) => ({ dim: dims.map((size) => ({ size: String(size) })) });
    await writeTfjsModelDirectory(graphDir, {
      modelJson: {
        format: 'graph-model',
        generatedBy: 'genlab test',
        convertedBy: null,
        modelTopology: {
          node: [
            { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: shape([-1, 2]) } } },
            { name: 'w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: shape([2, 3]) } } } },
            { name: 'y', op: 'MatMul', input: ['x', 'w'], attr: { transpose_a: { b: false }, transpose_b: { b: false }, T: { type: 'DT_FLOAT' } } },
          ],
          versions: { producer: 1 },
        },
        weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [2, 3], dtype: 'float32' }] }],
      },
      weights: new Uint8Array(new Float32Array([1, 0, 2, 0, 1, -1]).buffer),
    });
    const graph = await loadTfjsModel(await readTfjsModelDirectory(graphDir));
    expect(graph).toBeInstanceOf(tf.GraphModel);
    expect(await output(graph, [[1, 2]])).toEqual([1, 2, 0]);
    graph.dispose();
  });

  it('refuses weight paths that leave the model directory, and files that are not a model', async () => {
    const evil = join(dir, 'evil');
    await writeTfjsModelDirectory(evil, { modelJson: { weightsManifest: [{ paths: ['w'], weights: [] }] }, weights: new Uint8Array(0) });
    writeFileSync(join(dir, 'secret.bin'), 'x');
    writeFileSync(join(evil, 'model.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['../secret.bin'], weights: [] }] }));
    await expect(readTfjsModelDirectory(evil)).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, message: expect.stringContaining('outside the model directory') });
    writeFileSync(join(evil, 'model.json'), '{"modelTopology": {}}');
    await expect(readTfjsModelDirectory(evil)).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, message: expect.stringContaining('weightsManifest') });
    writeFileSync(join(evil, 'model.json'), 'not json');
    await expect(readTfjsModelDirectory(evil)).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    await expect(readTfjsModelDirectory(join(dir, 'missing'))).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });
});
