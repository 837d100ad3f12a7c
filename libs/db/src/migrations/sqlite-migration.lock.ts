import Sqlite from 'better-sqlite3';

/** How long a process waits for another one to finish migrating the same file. */
const WAIT_FOR_OTHER_PROCESS_MS = 120_000;

const queues = new Map<string, Promise<void>>();

/**
 * Runs `run` while holding the migration lock of the SQLite database at `dbPath`, so that
 * services starting together do not apply the same migrations at once. The lock is an
 * exclusive transaction on a side file (`<db>.migrate-lock`): the operating system drops
 * it if the holder dies, so it can never go stale. Callers in the same process queue up in
 * memory first, because better-sqlite3 waits for a busy lock synchronously.
 */
export async function withSqliteMigrationLock<T>(dbPath: string, run: () => Promise<T>): Promise<T> {
  if (dbPath === ':memory:') return run();
  const lockPath = `${dbPath}.migrate-lock`;
  const previous = queues.get(lockPath) ?? Promise.resolve();
  let release!: () => void;
  const mine = previous.then(() => new Promise<void>((resolve) => (release = resolve)));
  queues.set(lockPath, mine);
  await previous;
  const lock = new Sqlite(lockPath, { timeout: WAIT_FOR_OTHER_PROCESS_MS });
  try {
    lock.exec('BEGIN EXCLUSIVE');
    return await run();
  } finally {
    lock.close();
    release();
    if (queues.get(lockPath) === mine) queues.delete(lockPath);
  }
}
