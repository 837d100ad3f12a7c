import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * The files under `<dataDir>/artifacts/`. Keys are derived from server-generated ids
 * (`ab/abcdef…`), so no caller-supplied text ever becomes part of a path.
 */
export class ArtifactFiles {
  readonly root: string;
  private readonly tmpDir: string;
  /** Folders this process has made sure exist (made again if a write finds one gone). */
  private readonly folders = new Set<string>();

  constructor(dataDir: string) {
    this.root = resolve(dataDir, 'artifacts');
    this.tmpDir = join(this.root, '.tmp');
  }

  keyFor(id: string): string {
    return `${id.slice(0, 2)}/${id}`;
  }

  /** Absolute path of a stored key; refuses keys that would leave the artifacts folder. */
  pathOf(key: string): string {
    const path = resolve(this.root, key);
    const inside = relative(this.root, path);
    if (inside === '' || inside.startsWith('..') || inside.startsWith(`.tmp${sep}`) || isAbsolute(inside)) {
      throw new Error(`artifact storage key escapes the artifacts folder: ${key}`);
    }
    return path;
  }

  /**
   * Writes `bytes` to `key` atomically: a temp file in the same folder tree is written and
   * fsynced, then renamed over the target, and the directory entry is fsynced. Readers see
   * the old state or the whole new file, never a partial one.
   */
  async write(key: string, bytes: Uint8Array): Promise<void> {
    try {
      await this.writeInto(key, bytes);
    } catch (error) {
      // A folder made earlier may have been removed since (the artifacts folder cleared by hand).
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.folders.clear();
      await this.writeInto(key, bytes);
    }
  }

  private async writeInto(key: string, bytes: Uint8Array): Promise<void> {
    const target = this.pathOf(key);
    await this.ensureFolder(this.tmpDir);
    await this.ensureFolder(dirname(target));
    const temp = join(this.tmpDir, `${randomUUID()}.part`);
    try {
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    await syncDirectory(dirname(target));
  }

  private async ensureFolder(path: string): Promise<void> {
    if (this.folders.has(path)) return;
    await mkdir(path, { recursive: true });
    this.folders.add(path);
  }

  /** Removes files; missing ones are fine (deletes are idempotent). */
  async remove(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((key) => rm(this.pathOf(key), { force: true })));
  }
}

async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the rename is still atomic there.
  } finally {
    await handle.close();
  }
}
