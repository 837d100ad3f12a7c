import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../database';
import { givenRunningRun } from '../testing/fixtures';

const run = promisify(execFile);
const RUN_TS = resolve(__dirname, '../../../models/scripts/run-ts.mjs');
const WRITER = resolve(__dirname, 'metric-writer.process.ts');

describe('metric writes from several processes into one SQLite file', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'genlab-writers-'));
  let db: Database | undefined;
  afterAll(async () => {
    await db?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('never lets a busy error reach a caller, and stores exactly the points written', async () => {
    db = await openDatabase({ dataDir });
    const target = await givenRunningRun(db);
    const [writers, batches, perBatch] = [4, 60, 25];
    const started = Date.now();
    const outputs = await Promise.all(
      Array.from({ length: writers }, (_, w) =>
        run(process.execPath, [RUN_TS, WRITER, dataDir, target.id, String(w), String(batches), String(perBatch)], { timeout: 120_000 }),
      ),
    );
    const reports = outputs.map(({ stdout }) => JSON.parse(stdout.trim().split('\n').at(-1) as string) as { written: number; errors: string[] });
    const errors = reports.flatMap((r) => r.errors);
    const rows = (await db.metrics.listPoints(target.id, { limit: 100_000 })).length;
    console.log(`SQLite writers: ${writers} processes × ${batches} batches × ${perBatch} points in ${Date.now() - started} ms: ${rows} rows, ${errors.length} errors`);
    expect(errors).toEqual([]);
    expect(reports.map((r) => r.written)).toEqual(Array(writers).fill(batches * perBatch));
    expect(rows).toBe(writers * batches * perBatch);
  }, 180_000);
});
