import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { expectInvalidArgument } from '../testing/domain-error.matcher';
import { gunzipIfNeeded, isGzip } from './bounded-gunzip.util';

describe('gunzipIfNeeded', () => {
  it('returns raw input untouched and inflates gzip input', () => {
    const raw = Buffer.from('not compressed');
    expect(gunzipIfNeeded(raw, 'file')).toBe(raw);
    expect(isGzip(gzipSync(raw))).toBe(true);
    expect(Buffer.from(gunzipIfNeeded(gzipSync(raw), 'file')).equals(raw)).toBe(true);
  });

  it('refuses a gzip bomb once the output passes maxBytes', () => {
    const bomb = gzipSync(Buffer.alloc(4 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(10_000);
    expectInvalidArgument(
      () => gunzipIfNeeded(bomb, 'images file', 1024 * 1024),
      'images file: gzip data decompresses to more than 1048576 bytes (maxBytes); refusing to inflate it further',
    );
  });

  it('accepts output of exactly maxBytes', () => {
    expect(gunzipIfNeeded(gzipSync(Buffer.alloc(1000)), 'file', 1000).length).toBe(1000);
  });

  it('refuses raw input larger than maxBytes', () => {
    expectInvalidArgument(
      () => gunzipIfNeeded(Buffer.alloc(11), 'labels file', 10),
      'labels file: 11 bytes exceeds the limit of 10 bytes (maxBytes)',
    );
  });

  it('refuses a corrupt or cut-off gzip stream', () => {
    const gz = gzipSync(Buffer.alloc(5000, 7));
    expectInvalidArgument(() => gunzipIfNeeded(gz.subarray(0, 20), 'images file'), /^images file: starts with the gzip magic 1f 8b but is not a valid gzip stream \(unexpected end of file\)$/);
    expectInvalidArgument(() => gunzipIfNeeded(Buffer.from([0x1f, 0x8b, 1, 2, 3]), 'images file'), /not a valid gzip stream/);
  });

  it('refuses a maxBytes that is not a positive integer', () => {
    expectInvalidArgument(() => gunzipIfNeeded(Buffer.alloc(1), 'file', 0), /^file: maxBytes must be an integer in \[1, \d+\], got 0$/);
  });
});
