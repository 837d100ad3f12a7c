import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, resolve, sep } from 'node:path';
import { failedPrecondition, invalidArgument, notFound } from '@genlab/errors';

/**
 * Resolve a client-supplied path against the import root, following symlinks, and refuse
 * anything that ends up outside it. The root check uses a trailing separator so that
 * `/data/root-evil` is not accepted as inside `/data/root`.
 */
export async function resolveImportPath(importRoot: string, requested: string, role: string, kind: 'file' | 'directory' = 'file'): Promise<string> {
  if (!requested || requested.includes('\0')) throw invalidArgument(`${role}: a path relative to the import root is required`);
  if (isAbsolute(requested)) throw invalidArgument(`${role}: absolute paths are not accepted; give a path relative to the import root`);
  let root: string;
  try {
    root = await realpath(importRoot);
  } catch {
    throw failedPrecondition(`${role}: the server's import root does not exist (create it, or set GENLAB_IMPORT_ROOT)`);
  }
  // Lexically first, so nothing outside the root is even looked up; then after symlinks.
  if (!isInside(root, resolve(root, requested))) throw invalidArgument(`${role}: '${requested}' is outside the import root`);
  let target: string;
  try {
    target = await realpath(resolve(root, requested));
  } catch {
    throw notFound(`${role} ${kind}`, requested);
  }
  if (!isInside(root, target)) throw invalidArgument(`${role}: '${requested}' is outside the import root`);
  const found = await stat(target);
  if (kind === 'file' ? !found.isFile() : !found.isDirectory()) throw invalidArgument(`${role}: '${requested}' is not a ${kind}`);
  return target;
}

/** `name` inside the already-resolved directory `dir`: a plain relative path that stays inside it (symlinks resolved). */
export async function resolveInside(dir: string, name: string, role: string): Promise<string> {
  if (!name || name.includes('\0') || isAbsolute(name)) throw invalidArgument(`${role}: '${name}' must be a relative path inside the model directory`);
  if (!isInside(dir, resolve(dir, name))) throw invalidArgument(`${role}: '${name}' is outside the model directory`);
  let target: string;
  try {
    target = await realpath(resolve(dir, name));
  } catch {
    throw notFound(`${role} file`, name);
  }
  if (!isInside(dir, target) || !(await stat(target)).isFile()) throw invalidArgument(`${role}: '${name}' is not a file inside the model directory`);
  return target;
}

function isInside(root: string, path: string): boolean {
  return path.startsWith(root.endsWith(sep) ? root : root + sep);
}
