#!/usr/bin/env node
import { runCli } from './cli';

// `genlab <noun> <verb> ...`: see apps/cli/README.md. Ctrl-C aborts the signal (watch detaches);
// a second Ctrl-C exits at once.
async function main(): Promise<void> {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  process.exitCode = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  });
}

void main();
