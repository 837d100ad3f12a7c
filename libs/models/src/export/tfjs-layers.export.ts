import { tf } from '@genlab/compute';
import type { Conv } from '../nn/conv';
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

/** The decoder's last activation: Bernoulli probabilities (sigmoid) or a Gaussian mean (linear). */
export type OutputActivation = 'sigmoid' | 'linear';

/**
 * An MLP (ReLU between layers, `outputActivation` last, then a reshape to `outputShape`) as a
 * standard tfjs layers model, loadable in a browser with `tf.loadLayersModel`. The weights
 * are copied, so the export stays valid after the source model changes or is disposed.
 */
export function exportMlp(layers: readonly Dense[], outputActivation: OutputActivation, outputShape: readonly number[]): Promise<ExportedTfjsModel> {
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
  return saveLayersModel(model, [inputDim], outputShape);
}

/** The conv VAE's decoder: dense → `[H/4, W/4, c2]` → conv-transpose c1 k4 s2 → conv-transpose C k4 s2. */
export interface ConvDecoderLayers {
  readonly fc: Dense;
  readonly up1: Conv;
  readonly up2: Conv;
}

/**
 * The conv decoder (ReLU after the dense layer and the first transposed convolution,
 * `outputActivation` last) as a tfjs layers model whose output is the image `[H, W, C]`.
 * Keras' Conv2DTranspose keeps its kernel as `[k, k, out, in]`, the layout `Conv` already uses.
 */
export function exportConvDecoder({ fc, up1, up2 }: ConvDecoderLayers, outputActivation: OutputActivation, outputShape: readonly [number, number, number]): Promise<ExportedTfjsModel> {
  const [latentDim, flat] = fc.kernel.shape as [number, number];
  const [height, width] = outputShape;
  const transposed = (layer: Conv, activation: OutputActivation | 'relu', name: string) => {
    const [k, , out] = layer.kernel.shape as [number, number, number, number];
    return tf.layers.conv2dTranspose({ filters: out, kernelSize: k, strides: layer.stride, padding: 'same', activation, name });
  };
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: flat, activation: 'relu', inputShape: [latentDim], name: 'dense_0' }));
  model.add(tf.layers.reshape({ targetShape: [height / 4, width / 4, flat / ((height / 4) * (width / 4))], name: 'reshape' }));
  model.add(transposed(up1, 'relu', 'up_1'));
  model.add(transposed(up2, outputActivation, 'up_2'));
  model.setWeights([fc.kernel, fc.bias, up1.kernel, up1.bias, up2.kernel, up2.bias]);
  return saveLayersModel(model, [latentDim], outputShape);
}

/** Serialise `model` as model.json + weights.bin contents, then dispose it. */
async function saveLayersModel(model: tf.Sequential, inputShape: readonly number[], outputShape: readonly number[]): Promise<ExportedTfjsModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  try {
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
  } finally {
    model.dispose();
  }
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
    inputShape: [...inputShape],
    outputShape: [...outputShape],
  };
}
