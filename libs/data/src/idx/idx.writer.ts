import { invalidArgument } from '@genlab/errors';
import { idxDtypeInfo, idxMagic, type IdxTensor } from './idx.types';

/**
 * Serialises a tensor as a raw (uncompressed) IDX file, big-endian. The inverse of `parseIdx`;
 * gzip the result with node:zlib when a `.gz` file is wanted.
 */
export const encodeIdx = (tensor: IdxTensor): Buffer => {
  const { dtype, dims, data } = tensor;
  const info = idxDtypeInfo(dtype);
  if (dims.length < 1 || dims.length > 255) {
    throw invalidArgument(`IDX: need 1 to 255 dimensions, got ${dims.length}`, { rank: dims.length });
  }
  const count = dims.reduce((product, dim) => {
    if (!Number.isInteger(dim) || dim < 1 || dim > 0x7fffffff) {
      throw invalidArgument(`IDX: dimensions must be integers in [1, 2147483647], got ${dims.join('×')}`, {
        dims: [...dims],
      });
    }
    return product * dim;
  }, 1);
  if (data.length !== count) {
    throw invalidArgument(`IDX: dimensions ${dims.join('×')} hold ${count} values, but data has ${data.length}`, {
      expected: count,
      actual: data.length,
    });
  }
  const header = 4 + 4 * dims.length;
  const out = Buffer.alloc(header + count * info.bytes);
  out.writeUInt32BE(idxMagic(dtype, dims.length), 0);
  dims.forEach((dim, i) => out.writeUInt32BE(dim, 4 + 4 * i));
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let i = 0; i < count; i++) {
    const value = data[i] as number;
    const at = header + i * info.bytes;
    switch (dtype) {
      case 'uint8':
        view.setUint8(at, value);
        break;
      case 'int8':
        view.setInt8(at, value);
        break;
      case 'int16':
        view.setInt16(at, value, false);
        break;
      case 'int32':
        view.setInt32(at, value, false);
        break;
      case 'float32':
        view.setFloat32(at, value, false);
        break;
      case 'float64':
        view.setFloat64(at, value, false);
        break;
    }
  }
  return out;
};
