/** Exit codes: 0 success, 1 the operation failed (server error, failed run), 2 bad usage. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The command line itself is wrong: print the message and the command's usage, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

/** An expected failure that is not a usage error (a missing local file, a failed run): exit 1. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly code = 'FAILED',
    readonly exitCode = EXIT_FAILURE,
  ) {
    super(message);
  }
}

/** Ctrl-C during a call: the call was cancelled; exit 130 like a shell. */
export class Interrupted extends CliError {
  override name = 'Interrupted';
  constructor() {
    super('interrupted', 'INTERRUPTED', 130);
  }
}
