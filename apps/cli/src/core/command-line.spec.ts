import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../commands';
import { UsageError } from './cli-error';
import { parseCommandLine } from './command-line';

const parse = (argv: string[]) => parseCommandLine(argv, COMMANDS);
const usageError = (argv: string[]) => {
  try {
    parse(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
};

describe('parseCommandLine', () => {
  it('finds a two-word command and splits its options from the global ones', () => {
    const parsed = parse(['runs', 'start', '--experiment', 'e1', '--dataset', 'd1', '--family', 'vae', '--watch', '--json', '--server', 'gpu-box']);
    expect(parsed.kind).toBe('run');
    if (parsed.kind !== 'run') return;
    expect(parsed.command.path).toEqual(['runs', 'start']);
    expect(parsed.input.options).toEqual({ experiment: 'e1', dataset: 'd1', family: 'vae', watch: true });
    expect(parsed.globals).toEqual({ json: true, server: 'gpu-box' });
  });

  it('accepts global flags (with values) before the command words', () => {
    const parsed = parse(['--server', 'gpu-box', '--json', 'runs', 'get', 'r1']);
    expect(parsed.kind === 'run' && parsed.command.path).toEqual(['runs', 'get']);
    expect(parsed.kind === 'run' && parsed.input.positionals).toEqual({ ID: 'r1' });
    expect(parsed.kind === 'run' && parsed.globals.server).toBe('gpu-box');
  });

  it('parses one-word commands with a positional and --flag=value forms', () => {
    const parsed = parse(['evaluate', 'run-1', '--metrics=neg_elbo,iwae', '--k', '100']);
    expect(parsed.kind === 'run' && parsed.command.path).toEqual(['evaluate']);
    expect(parsed.kind === 'run' && parsed.input).toEqual({ positionals: { RUN_ID: 'run-1' }, options: { metrics: 'neg_elbo,iwae', k: '100' } });
  });

  it('returns help for --help, -h, `help` and a noun with --help', () => {
    expect(parse(['--help']).kind).toBe('help');
    expect(parse(['help']).kind).toBe('help');
    const command = parse(['runs', 'start', '-h']);
    expect(command.kind === 'help' && command.text).toMatch(/^Usage: genlab runs start --experiment ID --dataset ID --family F \[options\]/);
    expect(command.kind === 'help' && command.text).toContain('--config JSON|@FILE');
    const group = parse(['datasets', '--help']);
    expect(group.kind === 'help' && group.text).toContain('datasets import-idx');
  });

  it('rejects unknown commands, unknown flags and missing arguments as usage errors with usage text', () => {
    expect(usageError([]).message).toBe('no command given');
    expect(usageError(['frobnicate']).message).toBe("unknown command 'frobnicate'");
    expect(usageError(['frobnicate']).usage).toContain('runs start');
    expect(usageError(['runs']).message).toBe("'genlab runs' needs a command");
    expect(usageError(['runs', 'launch']).message).toBe("unknown command 'genlab runs launch'");
    expect(usageError(['runs', 'list', '--bogus']).message).toBe("unknown option '--bogus'");
    expect(usageError(['runs', 'list', '--bogus']).usage).toMatch(/Usage: genlab runs list \[options\]/);
    expect(usageError(['runs', 'get']).message).toBe('missing ID');
    expect(usageError(['runs', 'get', 'a', 'b']).message).toBe("unexpected argument 'b'");
    expect(usageError(['datasets', 'synthetic', '--name', 'x']).message).toBe('missing --generator');
    expect(usageError(['runs', 'list', '--experiment']).message).toMatch(/--experiment/);
    expect(usageError(['runs', 'list', '--json=1']).message).toMatch(/--json/);
  });
});
