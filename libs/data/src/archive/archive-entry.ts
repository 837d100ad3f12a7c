import { invalidArgument } from '@genlab/errors';

export type ArchiveEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

/** One member of a zip or tar archive, as the format readers present it. */
export interface ArchiveEntry {
  /** The name stored in the archive, unchanged. */
  readonly name: string;
  readonly type: ArchiveEntryType;
  /** Uncompressed size as the archive declares it; the readers never deliver more. */
  readonly size: number;
  /** Compressed size, for formats that compress each entry on its own (zip). */
  readonly compressedSize?: number;
  /** The entry's data. Call it at most once, before asking for the next entry. */
  read(): Promise<Buffer>;
}

export const describeEntry = (name: string) => `archive entry ${JSON.stringify(name)}`;

/**
 * The entry name's path segments, or INVALID_ARGUMENT when it could point outside the archive:
 * absolute (`/x`, `C:x`, `\\host`), a `..` segment, a backslash, a NUL or a control character.
 * Empty and `.` segments (`./3/a.png`, `3//a.png`) are dropped. The archive is never extracted,
 * but such a name is a sign of a hostile archive and is refused rather than reinterpreted.
 */
export function entrySegments(name: string): string[] {
  const where = describeEntry(name);
  if (name.length === 0) throw invalidArgument(`${where}: empty name`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw invalidArgument(`${where}: control characters in the name`);
  if (name.includes('\\')) throw invalidArgument(`${where}: backslash in the name; archive paths use '/'`);
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw invalidArgument(`${where}: absolute path`);
  const segments = name.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) throw invalidArgument(`${where}: '..' in the path`);
  return segments;
}

/** Folders and files the archiving tools of desktop systems add: `__MACOSX/`, `.DS_Store`, `._x.png`, `.git/`. */
export const isSystemMetadata = (segments: readonly string[]) => segments.some((segment) => segment === '__MACOSX' || segment.startsWith('.'));
