import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../database';
import { SQLITE_FILE_NAME } from '../migrations/database-target';
import { givenRun } from '../testing/fixtures';
import { startPrivatePostgres, type PrivatePostgres } from '../testing/private-postgres';
import { createScratchDatabase, useTestDatabase, type ScratchDatabase } from '../testing/test-database';
import { retryTransient } from './retry';
import { isTransientDatabaseError } from './transient-errors';

const points = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ key: 'train/loss', step: from + i, value: 1 / (from + i) }));

async function claimedRun(db: Database): Promise<{ runId: string; token: string }> {
  const run = await givenRun(db);
  const claim = await db.runs.claim(run.id, { worker: 'writer', leaseMs: 600_000 });
  return { runId: run.id, token: claim!.token };
}

describe('retryTransient', () => {
  it('does not retry errors that are not transient', async () => {
    let attempts = 0;
    const failing = () => {
      attempts++;
      return Promise.reject(Object.assign(new Error('unique constraint'), { code: 'P2002' }));
    };
    await expect(retryTransient(failing, { initialDelayMs: 1 })).rejects.toThrow('unique constraint');
    expect(attempts).toBe(1);
  });

  it('gives up at its deadline with the last error', async () => {
    let attempts = 0;
    const unreachable = () => {
      attempts++;
      return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    };
    const started = Date.now();
    await expect(retryTransient(unreachable, { deadlineMs: 300, initialDelayMs: 20 })).rejects.toThrow('ECONNREFUSED');
    expect(attempts).toBeGreaterThan(2);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('metric writes while SQLite is busy', () => {
  const t = useTestDatabase('sqlite');

  it('wait, retry and store every point once when another process holds the write lock past the busy timeout', async () => {
    const { db, dataDir } = t();
    const { runId, token } = await claimedRun(db);
    await db.metrics.appendPoints(runId, points(1, 50), { claimToken: token });

    const other = new Sqlite(join(dataDir, SQLITE_FILE_NAME));
    other.exec('BEGIN EXCLUSIVE');
    const released = new Promise<void>((resolve) =>
      setTimeout(() => {
        other.exec('COMMIT');
        other.close();
        resolve();
      }, 6_500),
    );
    const retried: unknown[] = [];
    // The batch overlaps what is stored (steps 41–50) as a retried batch would.
    const written = await retryTransient(() => db.metrics.appendPoints(runId, points(41, 60), { claimToken: token }), {
      onRetry: (error) => retried.push(error),
    });
    await released;

    expect(retried.length).toBeGreaterThan(0);
    expect(retried.every(isTransientDatabaseError)).toBe(true);
    expect(written).toBe(50);
    const stored = await db.metrics.listPoints(runId, { key: 'train/loss' });
    expect(stored.map((p) => p.step)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  }, 30_000);
});

describe('metric writes across a PostgreSQL restart', () => {
  let server: PrivatePostgres;
  let scratch: ScratchDatabase;
  let db: Database;

  beforeAll(async () => {
    server = await startPrivatePostgres();
    scratch = await createScratchDatabase('sqlite'); // only for its artifacts directory
    db = await openDatabase({ databaseUrl: server.url, dataDir: scratch.dataDir });
  });

  afterAll(async () => {
    await db?.close();
    await server?.destroy();
    await scratch?.drop();
  });

  it('retry until the server is back, losing and duplicating nothing', async () => {
    const { runId, token } = await claimedRun(db);
    const retried: unknown[] = [];
    let restart: Promise<void> | undefined;
    for (let batch = 0; batch < 30; batch++) {
      if (batch === 10) restart = server.restart(1_500);
      await retryTransient(() => db.metrics.appendPoints(runId, points(batch * 10 + 1, 10), { claimToken: token }), {
        onRetry: (error) => retried.push(error),
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await restart;

    expect(retried.length).toBeGreaterThan(0);
    const stored = await db.metrics.listPoints(runId, { key: 'train/loss' });
    expect(stored.map((p) => p.step)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(stored.every((p) => p.value === 1 / p.step)).toBe(true);
  }, 60_000);
});
