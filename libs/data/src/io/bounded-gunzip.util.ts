import { gunzipSync } from 'node:zlib';
import { constants as bufferConstants } from 'node:buffer';
import { invalidArgument } from '@genlab/errors';

/** Default cap on the size of a decompressed file: 1 GiB. */
export const DEFAULT_MAX_BYTES = 1024 ** 3;

export const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

export const checkMaxBytes = (maxBytes: number, what: string): void => {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1 || maxBytes > bufferConstants.MAX_LENGTH) {
    throw invalidArgument(`${what}: maxBytes must be an integer in [1, ${bufferConstants.MAX_LENGTH}], got ${maxBytes}`, {
      maxBytes,
    });
  }
};

/**
 * Returns `bytes` unchanged, or gunzipped when it starts with the gzip magic 1f 8b. Either way
 * the result may not exceed `maxBytes`: decompression stops as soon as it would, so a gzip bomb
 * costs at most `maxBytes` of memory. `what` names the input in error messages ("images file").
 */
export const gunzipIfNeeded = (bytes: Uint8Array, what: string, maxBytes: number = DEFAULT_MAX_BYTES): Uint8Array => {
  checkMaxBytes(maxBytes, what);
  if (!isGzip(bytes)) {
    if (bytes.length > maxBytes) {
      throw invalidArgument(`${what}: ${bytes.length} bytes exceeds the limit of ${maxBytes} bytes (maxBytes)`, {
        bytes: bytes.length,
        maxBytes,
      });
    }
    return bytes;
  }
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw invalidArgument(
        `${what}: gzip data decompresses to more than ${maxBytes} bytes (maxBytes); refusing to inflate it further`,
        { compressedBytes: bytes.length, maxBytes },
      );
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw invalidArgument(`${what}: starts with the gzip magic 1f 8b but is not a valid gzip stream (${reason})`, {
      compressedBytes: bytes.length,
      reason,
    });
  }
};
