import { deflateSync, gzipSync, inflateSync } from 'node:zlib';
import { crc32, type SeededRng } from '@genlab/data';

// Seeded mutators for fuzzing genlab's parsers: each takes a valid file and returns a damaged
// one, aimed at the fields a parser must distrust. Shared by the in-process fuzz suite and the
// one that sends fuzzed files through the services.

export const pick = <T>(rng: SeededRng, items: readonly T[]): T => items[rng.nextInt(items.length)] as T;

/** Edge values for 32-bit fields: zero, one, sign bits, all ones, just past 16 bits. */
export const SPECIAL_U32 = [0, 1, 2, 255, 256, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x10000, 60000];

/** One to three header mutations: bit flips, special dimension values, rank and type bytes, truncation, extension. */
export function mutateIdxHeader(rng: SeededRng, file: Buffer): Buffer {
  let out = Buffer.from(file);
  const rounds = 1 + rng.nextInt(3);
  for (let r = 0; r < rounds; r++) {
    const rank = out.length >= 4 ? (out[3] as number) : 0;
    const headerEnd = Math.min(out.length, 4 + 4 * Math.min(rank, 8));
    switch (rng.nextInt(7)) {
      case 0: // flip a bit in the header
        if (headerEnd > 0) out[rng.nextInt(headerEnd)]! ^= 1 << rng.nextInt(8);
        break;
      case 1: // a dimension to a special or random value
        if (rank > 0 && out.length >= 8) {
          const at = 4 + 4 * rng.nextInt(Math.min(rank, Math.floor((out.length - 4) / 4)) || 1);
          if (at + 4 <= out.length) out.writeUInt32BE(rng.nextInt(2) ? pick(rng, SPECIAL_U32) : Math.floor(rng.next() * 2 ** 32), at);
        }
        break;
      case 2: // the rank byte
        if (out.length >= 4) out[3] = rng.nextInt(2) ? rng.nextInt(6) : rng.nextInt(256);
        break;
      case 3: // the type byte, or the two leading zero bytes
        if (out.length >= 4) {
          if (rng.nextInt(3)) out[2] = pick(rng, [0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e, rng.nextInt(256)]);
          else out[rng.nextInt(2)] = 1 + rng.nextInt(255);
        }
        break;
      case 4: // truncate, often inside the header
        out = out.subarray(0, rng.nextInt(Math.min(out.length, headerEnd + 8) + 1));
        break;
      case 5: // extend with random bytes
        out = Buffer.concat([out, Buffer.from(Array.from({ length: 1 + rng.nextInt(16) }, () => rng.nextInt(256)))]);
        break;
      default: // swap two dimensions (keeps the size, changes the shape)
        if (rank >= 2 && out.length >= 12) {
          const a = out.readUInt32BE(4);
          out.writeUInt32BE(out.readUInt32BE(8), 4);
          out.writeUInt32BE(a, 8);
        }
    }
  }
  // Sometimes gzipped, and then sometimes the gzip stream itself damaged.
  if (rng.nextInt(8) === 0) {
    out = gzipSync(out);
    if (rng.nextInt(2)) out[10 + rng.nextInt(Math.max(1, out.length - 10))]! ^= 0xff;
  }
  return out;
}

interface Chunk {
  type: string;
  body: Buffer;
}
const chunks = (png: Buffer): Chunk[] => {
  const out: Chunk[] = [];
  for (let at = 8; at + 12 <= png.length; ) {
    const length = png.readUInt32BE(at);
    out.push({ type: png.toString('latin1', at + 4, at + 8), body: Buffer.from(png.subarray(at + 8, at + 8 + length)) });
    at += 12 + length;
  }
  return out;
};
const assemble = (list: readonly Chunk[]) =>
  Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    ...list.map(({ type, body }) => {
      const out = Buffer.alloc(12 + body.length);
      out.writeUInt32BE(body.length, 0);
      out.write(type, 4, 'latin1');
      body.copy(out, 8);
      out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
      return out;
    }),
  ]);

/** Structure-aware mutations that keep CRCs valid (so they reach the deeper checks), and raw ones that do not. */
export function mutatePng(rng: SeededRng, png: Buffer): Buffer {
  const list = chunks(png);
  switch (rng.nextInt(6)) {
    case 0: {
      // raw byte damage anywhere
      const out = Buffer.from(png);
      for (let k = 1 + rng.nextInt(4); k > 0; k--) out[rng.nextInt(out.length)] = rng.nextInt(256);
      return out;
    }
    case 1: {
      // IHDR fields: size, depth, colour type, methods; CRC fixed
      const ihdr = list[0]!.body;
      const field = rng.nextInt(7);
      if (field < 2) ihdr.writeUInt32BE(rng.nextInt(2) ? pick(rng, SPECIAL_U32) : rng.nextInt(70000), field * 4);
      else ihdr[6 + field] = rng.nextInt(2) ? rng.nextInt(8) : rng.nextInt(256);
      return assemble(list);
    }
    case 2: {
      // the image data: filter bytes and pixels damaged, re-compressed; CRC fixed
      const idat = list.find((c) => c.type === 'IDAT')!;
      const raw = Buffer.from(inflateSync(idat.body));
      for (let k = 1 + rng.nextInt(3); k > 0; k--) raw[rng.nextInt(raw.length)] = rng.nextInt(256);
      const cut = rng.nextInt(4) === 0 ? raw.subarray(0, rng.nextInt(raw.length + 1)) : raw;
      idat.body = deflateSync(rng.nextInt(4) === 0 ? Buffer.concat([cut, Buffer.alloc(1 + rng.nextInt(64))]) : cut);
      return assemble(list);
    }
    case 3: {
      // chunk order: an extra, missing, duplicated or unknown chunk
      const extra: Chunk = { type: pick(rng, ['IHDR', 'IDAT', 'IEND', 'PLTE', 'tEXt', 'zzZz', 'ABCD', 'iCCP']), body: Buffer.from('fuzz') };
      const at = rng.nextInt(list.length + 1);
      if (rng.nextInt(2)) list.splice(at, 0, extra);
      else list.splice(Math.min(at, list.length - 1), 1);
      return assemble(list);
    }
    case 4: {
      // the IDAT stream split oddly or replaced by random bytes
      const idat = list.find((c) => c.type === 'IDAT')!;
      if (rng.nextInt(2)) idat.body = Buffer.from(Array.from({ length: rng.nextInt(64) }, () => rng.nextInt(256)));
      else list.splice(list.indexOf(idat), 1, { type: 'IDAT', body: idat.body.subarray(0, 3) }, { type: 'IDAT', body: idat.body.subarray(3) });
      return assemble(list);
    }
    default:
      // truncated
      return png.subarray(0, rng.nextInt(png.length));
  }
}

/** Damage bytes; for tar, often re-sign the damaged header so the reader gets past its checksum. */
export function mutateArchive(rng: SeededRng, archive: Buffer, format: 'zip' | 'tar'): Buffer {
  const out = Buffer.from(archive);
  const region = rng.nextInt(3) ? Math.min(out.length, 2048) : out.length;
  for (let k = 1 + rng.nextInt(4); k > 0; k--) out[rng.nextInt(region)] = rng.nextInt(2) ? rng.nextInt(256) : pick(rng, [0, 0x2e, 0x2f, 0x30, 0x37, 0x78, 0xff]);
  if (format === 'tar' && rng.nextInt(3)) {
    for (let header = 0; header + 512 <= out.length && header < 4096; header += 512) {
      const block = out.subarray(header, header + 512);
      if (block.every((b) => b === 0) || block.toString('latin1', 257, 262) !== 'ustar') continue;
      block.write('        ', 148, 'latin1');
      let sum = 0;
      for (const byte of block) sum += byte;
      block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    }
  }
  return rng.nextInt(10) === 0 ? out.subarray(0, rng.nextInt(out.length)) : out;
}

