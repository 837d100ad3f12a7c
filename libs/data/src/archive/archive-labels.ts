import { invalidArgument } from '@genlab/errors';

/** Most classes an archive may have (folder names 0..999, or up to 1000 named folders). */
export const MAX_ARCHIVE_CLASSES = 1000;

export interface ArchiveLabels {
  /** Per image, in the order given; undefined when the images sit at the top level. */
  readonly labels?: Int32Array;
  readonly numClasses?: number;
  /** Class names by label, when the folders are named rather than numbered. */
  readonly classNames?: readonly string[];
}

const NUMBER = /^(0|[1-9][0-9]{0,2})$/;

/**
 * Labels from each image's class folder (its parent folder's name; undefined at the top level).
 * Every folder named by a plain integer below 1000: that integer is the label. Otherwise the
 * distinct names are sorted (by UTF-16 code unit, JavaScript's default order) and numbered from 0. Either every image has a
 * folder or none has (an unlabelled dataset). `paths` name the images in error messages.
 */
export function labelsFromFolders(folders: readonly (string | undefined)[], paths: readonly string[]): ArchiveLabels {
  if (folders.every((folder) => folder === undefined)) return {};
  const topLevel = folders.findIndex((folder) => folder === undefined);
  if (topLevel >= 0) {
    const labelled = folders.findIndex((folder) => folder !== undefined);
    throw invalidArgument(
      `archive entry ${JSON.stringify(paths[topLevel])} sits at the top level but ${JSON.stringify(paths[labelled])} is in a class folder: ` +
        'put every image in a folder named after its class, or none (an unlabelled dataset)',
    );
  }
  const names = [...new Set(folders as string[])].sort();
  if (names.every((name) => NUMBER.test(name))) {
    const labels = Int32Array.from(folders as string[], Number);
    return { labels, numClasses: labels.reduce((max, label) => Math.max(max, label), 0) + 1 };
  }
  if (names.length > MAX_ARCHIVE_CLASSES) {
    throw invalidArgument(`archive: ${names.length} class folders; at most ${MAX_ARCHIVE_CLASSES} classes are imported`);
  }
  const index = new Map(names.map((name, label) => [name, label]));
  return { labels: Int32Array.from(folders as string[], (folder) => index.get(folder) as number), numClasses: names.length, classNames: names };
}
