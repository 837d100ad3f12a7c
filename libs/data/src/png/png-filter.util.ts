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
 * first pixel (no left neighbour) apart: a per-byte switch made encoding a 512×512 RGB sample
 * grid ≈ 50 ms when every row was filtered five times.
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

/** `|signed(byte)|` of a filtered byte, from its unmasked difference. */
const magnitude = (difference: number): number => {
  const byte = difference & 0xff;
  return byte < 128 ? byte : 256 - byte;
};

/**
 * `filterCost` of `row` filtered with `type`, computed without writing the filtered row, and
 * given up as soon as it reaches `limit` (the return value is then ≥ `limit`, not the whole
 * cost): the encoder only needs to know whether a filter beats the best one so far. On a
 * sample grid's flat background Average and Paeth are given up at once once Up costs 0, and
 * no candidate is written out: filtering every row five times took most of the encoding time.
 */
export const filterCostBelow = (type: number, row: Uint8Array, prev: Uint8Array, bpp: number, limit: number): number => {
  const n = row.length;
  const head = Math.min(bpp, n);
  let cost = 0;
  switch (type) {
    case 1:
      for (let i = 0; i < head; i++) cost += magnitude(row[i] as number);
      for (let i = head; i < n && cost < limit; i++) cost += magnitude((row[i] as number) - (row[i - bpp] as number));
      return cost;
    case 2:
      for (let i = 0; i < n && cost < limit; i++) cost += magnitude((row[i] as number) - (prev[i] as number));
      return cost;
    case 3:
      for (let i = 0; i < head; i++) cost += magnitude((row[i] as number) - ((prev[i] as number) >>> 1));
      for (let i = head; i < n && cost < limit; i++) cost += magnitude((row[i] as number) - (((row[i - bpp] as number) + (prev[i] as number)) >>> 1));
      return cost;
    case 4:
      for (let i = 0; i < head; i++) cost += magnitude((row[i] as number) - (prev[i] as number));
      for (let i = head; i < n && cost < limit; i++) {
        cost += magnitude((row[i] as number) - paeth(row[i - bpp] as number, prev[i] as number, prev[i - bpp] as number));
      }
      return cost;
    default:
      for (let i = 0; i < n && cost < limit; i++) cost += magnitude(row[i] as number);
      return cost;
  }
};
