import { crc32 as zlibCrc32 } from 'node:zlib';

/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as used by PNG, gzip and zip.
 * Chainable: crc32(b, crc32(a)) === crc32(concat(a, b)). zlib's, which Node ships (since
 * 20.15): a dataset's checksum is read at every load, and zlib's hardware-assisted loop took
 * 7 ms for MNIST's 31 MB where slicing-by-8 tables in JavaScript took several times that.
 */
export const crc32 = (bytes: Uint8Array, previous = 0): number => zlibCrc32(bytes, previous);
