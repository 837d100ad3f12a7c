import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { givenRun, givenRunningRun } from '../testing/fixtures';
import { PROVIDERS, useTestDatabase } from '../testing/test-database';

describe.each(PROVIDERS)('RunRepository.update on %s', (provider) => {
  const t = useTestDatabase(provider);

  it('starts a run with no tags and empty notes', async () => {
    const { db } = t();
    const run = await givenRun(db);
    expect(run).toMatchObject({ tags: {}, notes: '' });
  });

  it('sets, overwrites and removes tags, and replaces notes, listing them back', async () => {
    const { db } = t();
    const run = await givenRunningRun(db);

    const tagged = await db.runs.update(run.id, { setTags: { team: 'vision', 'stage.v2': 'baseline' }, notes: 'first try' });
    expect(tagged).toMatchObject({ status: 'running', tags: { team: 'vision', 'stage.v2': 'baseline' }, notes: 'first try' });

    const changed = await db.runs.update(run.id, { setTags: { team: 'generative' }, removeTagKeys: ['stage.v2', 'absent'] });
    expect(changed.tags).toEqual({ team: 'generative' });
    expect(changed.notes).toBe('first try');

    const [listed] = await db.runs.list({ experimentId: run.experimentId });
    expect(listed).toMatchObject({ id: run.id, tags: { team: 'generative' }, notes: 'first try' });
    expect(await db.runs.get(run.id)).toEqual(changed);

    expect((await db.runs.update(run.id, { notes: '' })).notes).toBe('');
  });

  it('keeps the tags of concurrent updates to different keys', async () => {
    const { db } = t();
    const run = await givenRun(db);
    await Promise.all(Array.from({ length: 8 }, (_, i) => db.runs.update(run.id, { setTags: { [`k${i}`]: String(i) } })));
    expect(Object.keys((await db.runs.get(run.id)).tags).sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7']);
  });

  it('refuses bad keys, long values, long notes and a 51st tag with INVALID_ARGUMENT', async () => {
    const { db } = t();
    const run = await givenRun(db);
    await expect(db.runs.update(run.id, { setTags: { 'has space': 'x' } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('tag key') });
    await expect(db.runs.update(run.id, { setTags: { ['k'.repeat(65)]: 'x' } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(db.runs.update(run.id, { setTags: { k: 'v'.repeat(257) } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('256') });
    await expect(db.runs.update(run.id, { notes: 'n'.repeat(10_001) })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('notes') });

    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`t${i}`, 'x']));
    expect(Object.keys((await db.runs.update(run.id, { setTags: fifty })).tags)).toHaveLength(50);
    await expect(db.runs.update(run.id, { setTags: { one_more: 'x' } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'set_tags' } });
    // Replacing one tag with another keeps the count.
    expect((await db.runs.update(run.id, { removeTagKeys: ['t0'], setTags: { one_more: 'x' } })).tags).toHaveProperty('one_more', 'x');
  });

  it('reports NOT_FOUND for an unknown run', async () => {
    const { db } = t();
    await expect(db.runs.update(randomUUID(), { notes: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
