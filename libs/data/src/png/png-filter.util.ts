/**
 * PNG scanline filters (PNG spec §9): 0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth. `bpp` is bytes
 * per pixel (the distance to the left neighbour); `prev` is the previous unfiltered row (zeros for
 * the first row).
 */
export const paeth = (a: number, b: number, c: number): number => {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
};

const predictor = (type: number, row: Uint8Array, prev: Uint8Array, i: number, bpp: number): number => {
  const left = i >= bpp ? (row[i - bpp] as number) : 0;
  const up = prev[i] as number;
  const upLeft = i >= bpp ? (prev[i - bpp] as number) : 0;
  switch (type) {
    case 1:
      return left;
    case 2:
      return up;
    case 3:
      return (left + up) >>> 1;
    case 4:
      return paeth(left, up, upLeft);
    default:
      return 0;
  }
};

/**
 * Writes `row` filtered with `type` into `out` (same length). One loop per filter type, with the
 * first pixel (no left neighbour) apart: the encoder runs this five times per row of every
 * sample grid, and a per-byte switch made that ≈ 50 ms for a 512×512 RGB picture.
 */
export const filterRow = (type: number, row: Uint8Array, prev: Uint8Array, bpp: number, out: Uint8Array): void => {
  const n = row.length;
  const head = Math.min(bpp, n);
  switch (type) {
    case 1:
      for (let i = 0; i < head; i++) out[i] = row[i] as number;
      for (let i = head; i < n; i++) out[i] = ((row[i] as number) - (row[i - bpp] as number)) & 0xff;
      return;
    case 2:
      for (let i = 0; i < n; i++) out[i] = ((row[i] as number) - (prev[i] as number)) & 0xff;
      return;
    case 3:
      for (let i = 0; i < head; i++) out[i] = ((row[i] as number) - ((prev[i] as number) >>> 1)) & 0xff;
      for (let i = head; i < n; i++) out[i] = ((row[i] as number) - (((row[i - bpp] as number) + (prev[i] as number)) >>> 1)) & 0xff;
      return;
    case 4:
      for (let i = 0; i < head; i++) out[i] = ((row[i] as number) - (prev[i] as number)) & 0xff; // paeth(0, up, 0) = up
      for (let i = head; i < n; i++) out[i] = ((row[i] as number) - paeth(row[i - bpp] as number, prev[i] as number, prev[i - bpp] as number)) & 0xff;
      return;
    default:
      out.set(row.subarray(0, n));
  }
};

/** Reverses `filterRow` in place: `row` holds filtered bytes on entry and raw bytes on return. */
export const unfilterRow = (type: number, row: Uint8Array, prev: Uint8Array, bpp: number): void => {
  if (type === 0) return;
  for (let i = 0; i < row.length; i++) row[i] = ((row[i] as number) + predictor(type, row, prev, i, bpp)) & 0xff;
};

/** Sum of bytes taken as signed values: the usual heuristic for picking a row's filter. */
export const filterCost = (filtered: Uint8Array): number => {
  let cost = 0;
  for (let i = 0; i < filtered.length; i++) {
    const byte = filtered[i] as number;
    cost += byte < 128 ? byte : 256 - byte;
  }
  return cost;
};
