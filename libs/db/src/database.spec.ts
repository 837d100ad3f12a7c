import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './database';
import { SQLITE_FILE_NAME } from './migrations/database-target';
import { useTestDatabase } from './testing/test-database';

describe('openDatabase', () => {
  describe('without a database URL', () => {
    const t = useTestDatabase('sqlite');

    it('uses <dataDir>/genlab.db in WAL mode', () => {
      const file = new Sqlite(join(t().dataDir, SQLITE_FILE_NAME), { readonly: true });
      try {
        expect(t().db.provider).toBe('sqlite');
        expect(file.pragma('journal_mode', { simple: true })).toBe('wal');
      } finally {
        file.close();
      }
    });
  });

  describe('with a postgres URL', () => {
    const t = useTestDatabase('postgresql');

    it('uses PostgreSQL', () => {
      expect(t().databaseUrl).toMatch(/^postgresql:\/\//);
      expect(t().db.provider).toBe('postgresql');
    });
  });

  it('rejects other URL schemes with INVALID_ARGUMENT', async () => {
    await expect(openDatabase({ databaseUrl: 'mysql://localhost/genlab', dataDir: '/tmp/unused' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});
