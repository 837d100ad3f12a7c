import { COMMANDS } from './commands';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './core/cli-error';
import type { CliIo } from './core/cli-io';
import { parseCommandLine } from './core/command-line';
import type { CommandContext } from './core/command.types';
import { resolveConnection } from './core/global-options';
import { Rpc, RpcError } from './core/rpc';

/**
 * Runs one `genlab` command line and resolves to its exit code: 0 ok, 1 the operation failed
 * (a gRPC error, a failed run, a missing local file), 2 a usage error. Never throws for
 * expected errors; unexpected ones are reported as INTERNAL without a stack trace unless
 * GENLAB_DEBUG is set.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  let rpc: Rpc | undefined;
  try {
    const parsed = parseCommandLine(argv, COMMANDS);
    if (parsed.kind === 'help') {
      io.stdout.write(parsed.text);
      return EXIT_OK;
    }
    rpc = new Rpc({ ...resolveConnection(parsed.globals, io.env), signal: io.signal });
    const ctx: CommandContext = {
      io,
      json,
      rpc,
      emit(value, human) {
        io.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : human());
      },
    };
    return await parsed.command.run(ctx, parsed.input);
  } catch (error) {
    return reportError(io, json, error);
  } finally {
    rpc?.close();
  }
}

/** Prints an error as `error: <CODE>: <details>` (or JSON) on stderr and returns the exit code. */
export function reportError(io: CliIo, json: boolean, error: unknown): number {
  const { code, message, exitCode, usage, extra } = describeError(error, io.env);
  if (json) {
    io.stderr.write(`${JSON.stringify({ error: { code, message, exitCode, ...extra } })}\n`);
  } else {
    io.stderr.write(`error: ${error instanceof RpcError || code === 'INTERNAL' ? `${code}: ` : ''}${message}\n`);
    if (usage) io.stderr.write(`\n${usage}`);
  }
  return exitCode;
}

function describeError(error: unknown, env: NodeJS.ProcessEnv) {
  if (error instanceof UsageError) return { code: 'USAGE', message: error.message, exitCode: EXIT_USAGE, usage: error.usage, extra: {} };
  if (error instanceof RpcError) {
    const where = `${error.service} service at ${error.address}`;
    const unreachable = error.statusName === 'UNAVAILABLE' || error.statusName === 'DEADLINE_EXCEEDED';
    return {
      code: error.statusName,
      message: unreachable ? `${error.details} (${where})` : error.details,
      exitCode: EXIT_FAILURE,
      extra: { service: error.service, address: error.address },
    };
  }
  if (error instanceof CliError) return { code: error.code, message: error.message, exitCode: error.exitCode, extra: {} };
  const message = env.GENLAB_DEBUG && error instanceof Error ? (error.stack ?? error.message) : error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message, exitCode: EXIT_FAILURE, extra: {} };
}
