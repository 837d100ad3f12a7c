/** Element types an IDX file can hold, keyed by the type code in the third magic byte. */
export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A parsed IDX file: element type, dimensions (outermost first) and the values in row-major order. */
export interface IdxTensor {
  readonly dtype: IdxDtype;
  readonly dims: readonly number[];
  readonly data: IdxData;
}

export interface IdxDtypeInfo {
  readonly dtype: IdxDtype;
  readonly code: number;
  readonly bytes: number;
  /** The name the IDX specification uses, for messages. */
  readonly label: string;
}

export const IDX_DTYPES: readonly IdxDtypeInfo[] = [
  { dtype: 'uint8', code: 0x08, bytes: 1, label: 'unsigned byte' },
  { dtype: 'int8', code: 0x09, bytes: 1, label: 'signed byte' },
  { dtype: 'int16', code: 0x0b, bytes: 2, label: 'int16' },
  { dtype: 'int32', code: 0x0c, bytes: 4, label: 'int32' },
  { dtype: 'float32', code: 0x0d, bytes: 4, label: 'float32' },
  { dtype: 'float64', code: 0x0e, bytes: 8, label: 'float64' },
];

export const idxDtypeByCode = (code: number): IdxDtypeInfo | undefined => IDX_DTYPES.find((info) => info.code === code);

export const idxDtypeInfo = (dtype: IdxDtype): IdxDtypeInfo => {
  const info = IDX_DTYPES.find((candidate) => candidate.dtype === dtype);
  if (!info) throw new TypeError(`unknown IDX dtype ${String(dtype)}`);
  return info;
};

/** The 32-bit magic number of an IDX file: 0x00, 0x00, type code, dimension count. */
export const idxMagic = (dtype: IdxDtype, rank: number): number => idxDtypeInfo(dtype).code * 0x100 + rank;

export const formatMagic = (magic: number): string => `0x${magic.toString(16).toUpperCase().padStart(8, '0')}`;

export const describeMagic = (dtype: IdxDtype, rank: number): string =>
  `${formatMagic(idxMagic(dtype, rank))} (${idxDtypeInfo(dtype).label}, ${rank} dimension${rank === 1 ? '' : 's'})`;
