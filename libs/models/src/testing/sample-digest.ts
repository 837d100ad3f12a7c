import { createHash } from 'node:crypto';
import type { tf } from '@genlab/compute';

/** SHA-256 of a tensor's shape and float32 bytes: equal digests mean bit-identical tensors. */
export async function tensorDigest(t: tf.Tensor): Promise<string> {
  const data = (await t.data()) as Float32Array;
  return createHash('sha256')
    .update(JSON.stringify(t.shape))
    .update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    .digest('hex');
}
