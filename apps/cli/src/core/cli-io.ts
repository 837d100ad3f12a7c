/** Where the CLI writes, and what it knows of its surroundings; tests pass in-memory streams. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
  /** Directory relative paths (--out, --images, @config.json) resolve against. */
  cwd: string;
  /** Aborted on Ctrl-C: long-running commands (watch) detach cleanly. */
  signal?: AbortSignal;
}

/** An in-memory CliIo whose output can be read back (tests, embedding). */
export function memoryIo(options: { env?: NodeJS.ProcessEnv; cwd?: string; tty?: boolean; signal?: AbortSignal } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (text: string) => out.push(text), isTTY: options.tty ?? false, columns: 100 },
    stderr: { write: (text: string) => err.push(text), isTTY: options.tty ?? false },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    signal: options.signal,
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}
