import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePythonStubs } from '../support/python-stubs';
import { startStack, type Stack } from '../support/stack';

// The .proto files are the API: a Python program (Debian's python3-grpcio, stubs generated
// from the protos) checks health, lists services by reflection, trains and samples.

const PYTHON = process.env.GENLAB_PYTHON ?? '/usr/bin/python3';
let stack: Stack;
let stubs: string;

beforeAll(async () => {
  stubs = generatePythonStubs();
  stack = await startStack({ services: ['datasets', 'training', 'generation'] });
});

afterAll(async () => {
  await stack?.stop();
  if (stubs) rmSync(stubs, { recursive: true, force: true });
});

describe('a Python client generated from the .proto files', () => {
  it('checks health, lists services by reflection, starts a short run and samples from it', () => {
    const script = resolve(__dirname, '../python/genlab_client_check.py');
    const output = execFileSync(PYTHON, [script, stubs, stack.addresses.datasets, stack.addresses.training, stack.addresses.generation], {
      encoding: 'utf8',
      timeout: 240_000,
    });
    const observed = JSON.parse(output.trim().split('\n').at(-1)!);
    expect(observed.health).toEqual({ training: 'SERVING', generation: 'SERVING' });
    expect(observed.reflection).toEqual(expect.arrayContaining(['genlab.training.v1.TrainingService', 'grpc.health.v1.Health']));
    expect(observed.run.final_status).toBe('RUN_STATUS_COMPLETED');
    expect(observed.sample).toEqual({ shape: [2], values: 32, same_seed_identical: true, other_seed_differs: true });
    expect(observed.unknown_run).toBe('NOT_FOUND');
  });
});
