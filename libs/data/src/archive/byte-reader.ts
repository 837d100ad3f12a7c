import { DomainError, invalidArgument } from '@genlab/errors';

/**
 * Reads exact byte counts from a stream of chunks, holding only what the caller asks for. A
 * domain error from the stream (a cap it enforces) is re-thrown prefixed with what was being read.
 */
export class ByteReader {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  /** Bytes handed out or skipped so far: the offset of the next byte. */
  position = 0;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  /** Exactly `n` bytes; undefined at a clean end of the stream; INVALID_ARGUMENT when it ends inside them. */
  async take(n: number, what: string): Promise<Buffer | undefined> {
    const out = await this.takeAtMost(n, what);
    if (out && out.length < n) throw invalidArgument(`${what}: the archive ends after ${this.position} bytes, inside it (truncated)`);
    return out;
  }

  /** `n` bytes, or fewer when the stream ends first; undefined when it has already ended. */
  async takeAtMost(n: number, what: string): Promise<Buffer | undefined> {
    await this.fill(n, what);
    if (this.buffered === 0 && n > 0) return undefined;
    const count = Math.min(n, this.buffered);
    const [only] = this.chunks;
    const joined = this.chunks.length === 1 && only ? only : Buffer.concat(this.chunks, this.buffered);
    const rest = joined.subarray(count);
    this.chunks.length = 0;
    if (rest.length > 0) this.chunks.push(rest);
    this.buffered = rest.length;
    this.position += count;
    return joined.subarray(0, count);
  }

  /** Discard `n` bytes without keeping them. */
  async skip(n: number, what: string): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.buffered === 0) await this.fill(1, what);
      if (this.buffered === 0) throw invalidArgument(`${what}: the archive ends after ${this.position} bytes, inside it (truncated)`);
      const head = this.chunks[0] as Buffer;
      const used = Math.min(left, head.length);
      if (used === head.length) this.chunks.shift();
      else this.chunks[0] = head.subarray(used);
      this.buffered -= used;
      this.position += used;
      left -= used;
    }
  }

  private async fill(n: number, what: string): Promise<void> {
    while (this.buffered < n && !this.ended) {
      let next: IteratorResult<Buffer>;
      try {
        next = await this.source.next();
      } catch (error) {
        if (error instanceof DomainError) throw new DomainError(error.code, `${what}: ${error.message}`, error.details);
        throw error;
      }
      if (next.done) {
        this.ended = true;
        break;
      }
      this.chunks.push(next.value);
      this.buffered += next.value.length;
    }
  }
}
