import { describe, expect, it } from 'vitest';
import { hashToken } from './access.repository';
import { PROVIDERS, useTestDatabase } from '../testing/test-database';

describe.each(PROVIDERS)('AccessRepository on %s', (provider) => {
  const t = useTestDatabase(provider);

  it('creates a token whose secret is shown once and stored only as its hash', async () => {
    const { db } = t();
    const { token, record } = await db.access.createToken({ name: 'alice', role: 'editor' });
    expect(token).toMatch(/^glt_[A-Za-z0-9_-]{43}$/);
    expect(record).toMatchObject({ name: 'alice', role: 'editor', revokedAt: null });
    expect(await db.access.findActiveToken(token)).toEqual(record);
    expect(await db.access.findActiveToken(token + 'x')).toBeUndefined();
    expect(await db.access.findActiveToken('glt_guess')).toBeUndefined();
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await db.access.listTokens())).not.toContain(token);
  });

  it('revokes a token at once, and only existing ones', async () => {
    const { db } = t();
    const { token, record } = await db.access.createToken({ name: 'bob', role: 'viewer' });
    const revoked = await db.access.revokeToken(record.id);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect(await db.access.findActiveToken(token)).toBeUndefined();
    expect((await db.access.revokeToken(record.id)).revokedAt).toEqual(revoked.revokedAt);
    await expect(db.access.revokeToken('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses unknown roles and empty names', async () => {
    const { db } = t();
    await expect(db.access.createToken({ name: 'x', role: 'root' as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(db.access.createToken({ name: ' ', role: 'admin' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('records the first owner of a resource', async () => {
    const { db } = t();
    await db.access.recordOwner('run', 'r1', 't1');
    await db.access.recordOwner('run', 'r1', 't2');
    expect(await db.access.ownerOf('run', 'r1')).toBe('t1');
    expect(await db.access.ownerOf('dataset', 'r1')).toBeUndefined();
  });
});
