import { parseArgs } from 'node:util';
import { UsageError } from './cli-error';
import type { CommandInput, CommandSpec, OptionSpec, OptionValues } from './command.types';
import { GLOBAL_OPTIONS } from './global-options';

export type ParsedCommandLine =
  | { kind: 'help'; text: string }
  | { kind: 'run'; command: CommandSpec; globals: OptionValues; input: CommandInput };

const commandName = (command: CommandSpec) => command.path.join(' ');

/** Splits argv into the command words and the rest, skipping global flags and their values. */
function findCommandWords(argv: readonly string[]): { words: string[]; indices: number[] } {
  const words: string[] = [];
  const indices: number[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const token = argv[i] as string;
    if (token === '--') break;
    if (token.startsWith('-')) {
      const name = token.replace(/^--?/, '');
      if (!name.includes('=') && GLOBAL_OPTIONS[name]?.type === 'string') i++;
      continue;
    }
    words.push(token);
    indices.push(i);
  }
  return { words, indices };
}

/** Parse `genlab <noun> <verb> [positionals] [flags]` against the command table. Throws UsageError. */
export function parseCommandLine(argv: readonly string[], commands: readonly CommandSpec[]): ParsedCommandLine {
  const { words, indices } = findCommandWords(argv);
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  const byName = new Map(commands.map((command) => [commandName(command), command]));
  const command = byName.get(words.slice(0, 2).join(' ')) ?? byName.get(words[0] ?? '');
  if (!command) {
    const group = commands.filter((c) => c.path.length > 1 && c.path[0] === words[0]);
    if (group.length > 0) {
      const text = groupHelp(words[0] as string, group);
      if (wantsHelp && words.length === 1) return { kind: 'help', text };
      throw new UsageError(words[1] ? `unknown command 'genlab ${words[0]} ${words[1]}'` : `'genlab ${words[0]}' needs a command`, text);
    }
    if (words[0] === 'help' || (words.length === 0 && wantsHelp)) return { kind: 'help', text: mainHelp(commands) };
    throw new UsageError(words.length === 0 ? 'no command given' : `unknown command '${words[0]}'`, commandsUsage(commands));
  }
  const used = indices.slice(0, command.path.length);
  const rest = argv.filter((_, i) => !used.includes(i));
  const specs = { ...GLOBAL_OPTIONS, ...command.options };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, { type: spec.type, ...(spec.short ? { short: spec.short } : {}) }])),
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(cleanParseError(error as Error), shortUsage(command));
  }
  const values = parsed.values as OptionValues;
  if (values.help) return { kind: 'help', text: commandHelp(command) };

  const positionalSpecs = command.positionals ?? [];
  if (parsed.positionals.length > positionalSpecs.length) {
    throw new UsageError(`unexpected argument '${parsed.positionals[positionalSpecs.length]}'`, shortUsage(command));
  }
  const positionals: Record<string, string | undefined> = {};
  positionalSpecs.forEach((spec, i) => {
    const value = parsed.positionals[i];
    if (value === undefined && spec.required) throw new UsageError(`missing ${spec.name}`, shortUsage(command));
    positionals[spec.name] = value;
  });
  for (const [name, spec] of Object.entries(command.options ?? {})) {
    if (spec.required && values[name] === undefined) throw new UsageError(`missing --${name}`, shortUsage(command));
  }
  const globals: OptionValues = {};
  const options: OptionValues = {};
  for (const [name, value] of Object.entries(values)) (name in GLOBAL_OPTIONS ? globals : options)[name] = value;
  return { kind: 'run', command, globals, input: { positionals, options } };
}

/** node:util's messages name the flag; drop their advice about `--` and the error code. */
function cleanParseError(error: Error): string {
  const message = error.message.split('\n')[0] ?? error.message;
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option '${unknown[1]}'`;
  return message.replace(/\. To specify a positional argument.*$/, '').replace(/^Option '([^']+)' argument missing$/, "option '$1' needs a value");
}

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  const entries = Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`;
    return [flag, spec.description + (spec.required ? ' (required)' : '')] as const;
  });
  const width = Math.max(...entries.map(([flag]) => flag.length));
  return entries.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`);
}

export function usageLine(command: CommandSpec): string {
  const positionals = (command.positionals ?? []).map((p) => (p.required ? p.name : `[${p.name}]`));
  const required = Object.entries(command.options ?? {})
    .filter(([, spec]) => spec.required)
    .map(([name, spec]) => `--${name} ${spec.value ?? 'VALUE'}`);
  return ['genlab', ...command.path, ...positionals, ...required, '[options]'].join(' ');
}

/** What a usage error prints after the message. */
export const shortUsage = (command: CommandSpec): string =>
  `Usage: ${usageLine(command)}\nRun 'genlab ${command.path.join(' ')} --help' for its options.\n`;

export function commandHelp(command: CommandSpec): string {
  const lines = [`Usage: ${usageLine(command)}`, '', command.description ?? command.summary];
  if (command.positionals?.length) {
    lines.push('', 'Arguments:');
    const width = Math.max(...command.positionals.map((p) => p.name.length));
    for (const p of command.positionals) lines.push(`  ${p.name.padEnd(width)}  ${p.description}`);
  }
  if (command.options && Object.keys(command.options).length) lines.push('', 'Options:', ...optionLines(command.options));
  lines.push('', 'Global options:', ...optionLines(GLOBAL_OPTIONS));
  if (command.examples?.length) lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  return lines.join('\n') + '\n';
}

function commandList(commands: readonly CommandSpec[]): string[] {
  const names = commands.map((c) => [usageLine(c).replace(/^genlab /, '').replace(/ \[options\]$/, ''), c.summary] as const);
  const width = Math.min(60, Math.max(...names.map(([name]) => name.length)));
  return names.map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`);
}

export function groupHelp(noun: string, commands: readonly CommandSpec[]): string {
  return [`Usage: genlab ${noun} <command> [options]`, '', 'Commands:', ...commandList(commands), '', `Run 'genlab ${noun} <command> --help' for a command's options.`].join('\n') + '\n';
}

/** The command list, for an unknown or missing command. */
export const commandsUsage = (commands: readonly CommandSpec[]): string =>
  ['Usage: genlab <command> [arguments] [options]', '', 'Commands:', ...commandList(commands), '', "Run 'genlab --help' for the global options."].join('\n') + '\n';

export function mainHelp(commands: readonly CommandSpec[]): string {
  return (
    [
      'genlab: train, evaluate and sample deep generative models on a genlab server.',
      '',
      'Usage: genlab <command> [arguments] [options]',
      '',
      'Commands:',
      ...commandList(commands),
      '',
      'Global options:',
      ...optionLines(GLOBAL_OPTIONS),
      '',
      "Run 'genlab <command> --help' for a command's options. Exit codes: 0 ok, 1 failed, 2 usage error.",
    ].join('\n') + '\n'
  );
}
