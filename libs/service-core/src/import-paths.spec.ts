import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@genlab/errors';
import { resolveImportPath, resolveInside } from './import-paths';

describe('resolveImportPath', () => {
  let base: string;
  let root: string;

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'genlab-import-'));
    root = join(base, 'root');
    mkdirSync(join(root, 'mnist'), { recursive: true });
    mkdirSync(join(base, 'root-evil'));
    writeFileSync(join(root, 'mnist', 'images.idx'), 'x');
    writeFileSync(join(base, 'root-evil', 'secret'), 'x');
    writeFileSync(join(base, 'outside'), 'x');
    symlinkSync(join(base, 'outside'), join(root, 'link-out'));
    symlinkSync(join(root, 'mnist', 'images.idx'), join(root, 'link-in'));
  });

  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const codeOf = (promise: Promise<unknown>) => promise.then(() => 'ok', (error: { code: string }) => error.code);

  it('resolves paths inside the root, also through symlinks that stay inside', async () => {
    expect(await resolveImportPath(root, 'mnist/images.idx', 'images_path')).toBe(join(root, 'mnist', 'images.idx'));
    expect(await resolveImportPath(root, 'link-in', 'images_path')).toBe(join(root, 'mnist', 'images.idx'));
  });

  it('refuses traversal, absolute paths, sibling prefixes and symlinks that leave the root', async () => {
    for (const path of ['../outside', 'mnist/../../outside', '../root-evil/secret', '../does-not-exist', join(base, 'outside'), 'link-out', 'a\0b', '.']) {
      expect(await codeOf(resolveImportPath(root, path, 'images_path')), path).toBe(ErrorCode.InvalidArgument);
    }
  });

  it('says NOT_FOUND for a missing file and INVALID_ARGUMENT for a directory', async () => {
    expect(await codeOf(resolveImportPath(root, 'mnist/none.idx', 'images_path'))).toBe(ErrorCode.NotFound);
    expect(await codeOf(resolveImportPath(root, 'mnist', 'images_path'))).toBe(ErrorCode.InvalidArgument);
  });

  it('resolves directories when asked for one, and names inside them without leaving them', async () => {
    const dir = await resolveImportPath(root, 'mnist', 'feature_model_path', 'directory');
    expect(dir).toBe(join(root, 'mnist'));
    expect(await codeOf(resolveImportPath(root, 'mnist/images.idx', 'feature_model_path', 'directory'))).toBe(ErrorCode.InvalidArgument);
    expect(await resolveInside(dir, 'images.idx', 'weights')).toBe(join(root, 'mnist', 'images.idx'));
    for (const name of ['../link-out', '../../outside', join(base, 'outside'), '', '.']) {
      expect(await codeOf(resolveInside(dir, name, 'weights')), name).toBe(ErrorCode.InvalidArgument);
    }
    expect(await codeOf(resolveInside(dir, 'missing.bin', 'weights'))).toBe(ErrorCode.NotFound);
  });
});
