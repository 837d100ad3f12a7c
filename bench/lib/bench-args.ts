/** `--name value` from the command line, or `fallback`. */
export const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};

/** `--quick`: a shorter version of the entry, for `npm run bench -- --quick`. */
export const QUICK = process.argv.includes('--quick');
