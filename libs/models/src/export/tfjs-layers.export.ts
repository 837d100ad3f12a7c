import { tf } from '@genlab/compute';
import type { Dense } from '../nn/dense';

/** A TensorFlow.js layers model as files: `model.json` (this object) and `weights.bin`. */
export interface ExportedTfjsModel {
  /** The content of model.json; its weights manifest names `weights.bin`. */
  readonly modelJson: Record<string, unknown>;
  /** The content of weights.bin. */
  readonly weights: Uint8Array;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
}

export const TFJS_WEIGHTS_FILE = 'weights.bin';

/**
 * An MLP (ReLU between layers, `outputActivation` last, then a reshape to `outputShape`) as a
 * standard tfjs layers model, loadable in a browser with `tf.loadLayersModel`. The weights
 * are copied, so the export stays valid after the source model changes or is disposed.
 */
export async function exportMlp(layers: readonly Dense[], outputActivation: 'sigmoid' | 'linear', outputShape: readonly number[]): Promise<ExportedTfjsModel> {
  const inputDim = layers[0]?.kernel.shape[0] as number;
  const model = tf.sequential();
  layers.forEach((layer, i) => {
    const [inDim, units] = layer.kernel.shape as [number, number];
    model.add(
      tf.layers.dense({
        units,
        activation: i < layers.length - 1 ? 'relu' : outputActivation,
        ...(i === 0 ? { inputShape: [inDim] } : {}),
        name: `dense_${i}`,
      }),
    );
  });
  model.add(tf.layers.reshape({ targetShape: [...outputShape], name: 'reshape' }));
  model.setWeights(layers.flatMap((layer) => [layer.kernel, layer.bias]));

  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  if (!saved?.weightSpecs || !saved.weightData) throw new Error('tfjs produced no weights for the export');
  const weightData = saved.weightData;
  const weights = new Uint8Array(Array.isArray(weightData) ? await new Blob(weightData).arrayBuffer() : weightData.slice(0));
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
      convertedBy: 'genlab',
      modelTopology: saved.modelTopology,
      weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: saved.weightSpecs }],
    },
    weights,
    inputShape: [inputDim],
    outputShape: [...outputShape],
  };
}
