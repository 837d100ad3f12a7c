import { tf } from '@genlab/compute';
import { applyConv, applyConvTranspose, createConv, createConvTranspose } from '../nn/conv';
import { applyDense, createDense } from '../nn/dense';
import type { ParameterSet } from '../nn/parameter-set';
import type { ConvVaeLayers, VaeNetworkSpec } from './vae.network';

/**
 * For images `[H, W, C]` with H and W divisible by 4 (`assertVaeDataShape`), channels
 * `[c1, c2]` = `convChannels`, ReLU between layers:
 *   encoder  conv c1 k4 s2 → conv c2 k4 s2 → flatten (+ one-hot y) → dense 2Z (mean, log-variance)
 *   decoder  z (+ one-hot y) → dense (H/4)(W/4)c2 → conv-transpose c1 k4 s2 → conv-transpose C k4 s2
 * The label joins at the dense layers (the convolutions see only the image).
 */
export function createConvVaeLayers(params: ParameterSet, { config, dataShape, numClasses }: VaeNetworkSpec, seed: number): ConvVaeLayers {
  const [height, width, channels] = dataShape;
  const [c1, c2] = config.convChannels;
  const { latentDim } = config;
  const inputDim = height * width * channels;
  const [h4, w4] = [height / 4, width / 4];
  const flat = h4 * w4 * c2;

  const conv1 = createConv(params, 'encoder.conv1', 4, channels, c1, 2, seed);
  const conv2 = createConv(params, 'encoder.conv2', 4, c1, c2, 2, seed);
  const encoderFc = createDense(params, 'encoder.fc', flat + numClasses, 2 * latentDim, seed);
  const decoderFc = createDense(params, 'decoder.fc', latentDim + numClasses, flat, seed);
  const up1 = createConvTranspose(params, 'decoder.up1', 4, c2, c1, 2, seed);
  const up2 = createConvTranspose(params, 'decoder.up2', 4, c1, channels, 2, seed);

  return {
    architecture: 'conv',
    decoderLayers: { fc: decoderFc, up1, up2 },
    encode: (input) => {
      const n = input.shape[0];
      const image = input.slice([0, 0], [n, inputDim]).reshape([n, height, width, channels]) as tf.Tensor4D;
      const h1 = tf.relu(applyConv(conv1, image)) as tf.Tensor4D;
      const h2 = tf.relu(applyConv(conv2, h1)).reshape([n, flat]) as tf.Tensor2D;
      const labels = numClasses > 0 ? input.slice([0, inputDim], [n, numClasses]) : undefined;
      return applyDense(encoderFc, labels ? tf.concat([h2, labels], 1) : h2);
    },
    decode: (z, labels) => {
      const n = z.shape[0];
      const h = tf.relu(applyDense(decoderFc, labels ? tf.concat([z, labels], 1) : z)).reshape([n, h4, w4, c2]) as tf.Tensor4D;
      const u = tf.relu(applyConvTranspose(up1, h)) as tf.Tensor4D;
      return applyConvTranspose(up2, u).reshape([n, inputDim]) as tf.Tensor2D;
    },
    widestLayer: Math.max(inputDim + numClasses, (height / 2) * (width / 2) * c1, flat + numClasses, 2 * latentDim),
  };
}
