import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.util';

const bitwiseCrc32 = (bytes: Uint8Array): number => {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return ~crc >>> 0;
};

describe('crc32', () => {
  it('gives the check value 0xCBF43926 for "123456789"', () => {
    expect(crc32(Buffer.from('123456789', 'ascii'))).toBe(0xcbf43926);
  });

  it('gives 0 for no bytes and the PNG IEND chunk CRC 0xAE426082 for "IEND"', () => {
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(Buffer.from('IEND', 'latin1'))).toBe(0xae426082);
  });

  it('matches a bit-by-bit reference for every length from 0 to 40', () => {
    const bytes = Uint8Array.from({ length: 40 }, (_, i) => (i * 151 + 7) & 0xff);
    for (let n = 0; n <= 40; n++) expect(crc32(bytes.subarray(0, n))).toBe(bitwiseCrc32(bytes.subarray(0, n)));
  });

  it('chains like zlib: crc32(b, crc32(a)) equals crc32(a + b)', () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31) & 0xff);
    expect(crc32(bytes.subarray(333), crc32(bytes.subarray(0, 333)))).toBe(crc32(bytes));
  });
});
