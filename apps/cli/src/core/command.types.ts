import type { CliIo } from './cli-io';
import type { Rpc } from './rpc';

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  /** Placeholder shown in help, e.g. ID, N, PATH. */
  value?: string;
  short?: string;
  required?: boolean;
}

export interface PositionalSpec {
  name: string;
  description: string;
  required?: boolean;
}

export type OptionValues = Record<string, string | boolean | undefined>;

export interface CommandInput {
  positionals: Record<string, string | undefined>;
  options: OptionValues;
}

export interface CommandContext {
  io: CliIo;
  /** --json: one JSON document on stdout, errors as JSON on stderr. */
  json: boolean;
  /** gRPC access to the four services, opened on first use. */
  rpc: Rpc;
  /** Writes one JSON document (in --json mode) or the human text. */
  emit(value: unknown, human: () => string): void;
}

export interface CommandSpec {
  /** Words after `genlab`, e.g. ['runs', 'start'] or ['evaluate']. */
  path: readonly string[];
  summary: string;
  description?: string;
  positionals?: readonly PositionalSpec[];
  options?: Readonly<Record<string, OptionSpec>>;
  examples?: readonly string[];
  /** Resolves to the exit code. */
  run(ctx: CommandContext, input: CommandInput): Promise<number>;
}
