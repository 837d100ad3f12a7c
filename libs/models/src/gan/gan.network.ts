import { tf } from '@genlab/compute';
import { dataSize } from '../data-shape';
import { applyConv, applyConvTranspose, createConv, createConvTranspose } from '../nn/conv';
import { applyDense, createDense, type Dense } from '../nn/dense';
import type { ParameterSet } from '../nn/parameter-set';
import type { GanArchitecture } from './gan.config';
import { applyBatchNorm, createBatchNorm, leakyRelu, type NormMode } from './gan.layers';

/** What shapes the two networks. */
export interface GanNetworkSpec {
  readonly architecture: GanArchitecture;
  readonly dataShape: readonly number[];
  readonly latentDim: number;
  readonly hiddenDims: readonly number[];
  readonly generatorChannels: readonly number[];
  readonly discriminatorChannels: readonly number[];
  /** One-hot width of the class labels fed to both networks (0: unconditional). */
  readonly numClasses: number;
  /** The discriminator has BatchNorm (DCGAN) or none (a WGAN-GP critic). */
  readonly discriminatorBatchNorm: boolean;
}

/*
 * Both networks take their input prepared (codes or data joined with one-hot labels) by a
 * separate call, so a caller can prepare constant inputs outside a gradient tape: the
 * first layer then skips its input gradient (`constantInput`: the input is closed over), which needs
 * the input to outlive the tape's forward pass.
 */

/** Codes `[n, latentDim]` joined with one-hot labels `[n, K]` (if conditional): the generator's input. */
export const generatorInput = (z: tf.Tensor2D, labels: tf.Tensor2D | undefined): tf.Tensor2D => (labels ? tf.concat([z, labels], 1) : z);

export interface Generator {
  /** `[n, ...dataShape]` from `generatorInput(z, labels)`, a constant. */
  apply(input: tf.Tensor2D, mode: NormMode): tf.Tensor;
}

export interface DiscriminatorApplyOptions {
  readonly mode: NormMode;
  /** The prepared input is a constant made outside the tape (data, detached samples): skip its gradient (MLP). */
  readonly constantInput?: boolean;
}

export interface Discriminator {
  /** `x` `[n, ...dataShape]` with its one-hot labels, in the form `apply` takes. */
  prepare(x: tf.Tensor, labels: tf.Tensor2D | undefined): tf.Tensor;
  /** One logit (DCGAN) or critic value (WGAN-GP) per example, `[n]`. */
  apply(prepared: tf.Tensor, options: DiscriminatorApplyOptions): tf.Tensor1D;
}

/** `generator.*` and `discriminator.*` parameters in `g`/`d`, BatchNorm running statistics in `buffers`. */
export function createGanNetworks(
  spec: GanNetworkSpec,
  sets: { readonly g: ParameterSet; readonly d: ParameterSet; readonly buffers: ParameterSet },
  seed: number,
): { generator: Generator; discriminator: Discriminator } {
  return spec.architecture === 'conv'
    ? { generator: convGenerator(spec, sets.g, sets.buffers, seed), discriminator: convDiscriminator(spec, sets.d, sets.buffers, seed) }
    : { generator: mlpGenerator(spec, sets.g, seed), discriminator: mlpDiscriminator(spec, sets.d, seed) };
}

function mlpGenerator(spec: GanNetworkSpec, params: ParameterSet, seed: number): Generator {
  const dims = [spec.latentDim + spec.numClasses, ...spec.hiddenDims, dataSize(spec.dataShape)];
  const layers = dims.slice(1).map((out, i) => createDense(params, `generator.${i}`, dims[i], out, seed));
  return {
    apply: (input) => {
      const h = layers.reduce<tf.Tensor2D>((acc, layer, i) => {
        const out = applyDense(layer, acc, { constantInput: i === 0 });
        return i < layers.length - 1 ? tf.relu(out) : out;
      }, input);
      return h.reshape([input.shape[0], ...spec.dataShape]);
    },
  };
}

function mlpDiscriminator(spec: GanNetworkSpec, params: ParameterSet, seed: number): Discriminator {
  const dims = [dataSize(spec.dataShape) + spec.numClasses, ...spec.hiddenDims, 1];
  const layers: Dense[] = dims.slice(1).map((out, i) => createDense(params, `discriminator.${i}`, dims[i], out, seed));
  return {
    prepare: (x, labels) => {
      const flat = x.reshape([x.shape[0], dataSize(spec.dataShape)]) as tf.Tensor2D;
      return labels ? tf.concat([flat, labels], 1) : flat;
    },
    apply: (input, { constantInput }) => {
      const out = layers.reduce<tf.Tensor2D>((acc, layer, i) => {
        const y = applyDense(layer, acc, { constantInput: constantInput && i === 0 });
        return i < layers.length - 1 ? (leakyRelu(y) as tf.Tensor2D) : y;
      }, input as tf.Tensor2D);
      return out.reshape([input.shape[0]]);
    },
  };
}

/** G: z → dense (H/4)(W/4)c0 → BN → ReLU → convT c1 k4 s2 → BN → ReLU → convT C k4 s2 → sigmoid. */
function convGenerator(spec: GanNetworkSpec, params: ParameterSet, buffers: ParameterSet, seed: number): Generator {
  const [height, width, channels] = spec.dataShape;
  const [c0, c1] = spec.generatorChannels;
  const [h0, w0] = [height / 4, width / 4];
  const fc = createDense(params, 'generator.fc', spec.latentDim + spec.numClasses, h0 * w0 * c0, seed);
  const bn0 = createBatchNorm(params, buffers, 'generator.bn0', h0 * w0 * c0);
  const up1 = createConvTranspose(params, 'generator.up1', 4, c0, c1, 2, seed);
  const bn1 = createBatchNorm(params, buffers, 'generator.bn1', c1);
  const up2 = createConvTranspose(params, 'generator.up2', 4, c1, channels, 2, seed);
  return {
    apply: (input, mode) => {
      const n = input.shape[0];
      const h = tf.relu(applyBatchNorm(bn0, applyDense(fc, input, { constantInput: true }), mode));
      const u = tf.relu(applyBatchNorm(bn1, applyConvTranspose(up1, h.reshape([n, h0, w0, c0])), mode)) as tf.Tensor4D;
      return tf.sigmoid(applyConvTranspose(up2, u));
    },
  };
}

/** D: conv c0 k4 s2 → LReLU 0.2 → conv c1 k4 s2 → [BN] → LReLU 0.2 → dense 1; labels enter as constant one-hot channels. */
function convDiscriminator(spec: GanNetworkSpec, params: ParameterSet, buffers: ParameterSet, seed: number): Discriminator {
  const [height, width, channels] = spec.dataShape;
  const [c0, c1] = spec.discriminatorChannels;
  const c1Layer = createConv(params, 'discriminator.c1', 4, channels + spec.numClasses, c0, 2, seed);
  const c2Layer = createConv(params, 'discriminator.c2', 4, c0, c1, 2, seed);
  const bn2 = spec.discriminatorBatchNorm ? createBatchNorm(params, buffers, 'discriminator.bn2', c1) : undefined;
  const flat = (height / 4) * (width / 4) * c1;
  const fc = createDense(params, 'discriminator.fc', flat, 1, seed);
  return {
    prepare: (x, labels) => {
      const n = x.shape[0];
      const image = x.reshape([n, height, width, channels]);
      return labels ? tf.concat([image, tf.tile(labels.reshape([n, 1, 1, spec.numClasses]), [1, height, width, 1])], 3) : image;
    },
    apply: (input, { mode }) => {
      const n = input.shape[0];
      const h1 = leakyRelu(applyConv(c1Layer, input as tf.Tensor4D)) as tf.Tensor4D;
      const h2 = applyConv(c2Layer, h1);
      const h2n = leakyRelu(bn2 ? applyBatchNorm(bn2, h2, mode) : h2);
      return applyDense(fc, h2n.reshape([n, flat]) as tf.Tensor2D).reshape([n]);
    },
  };
}
