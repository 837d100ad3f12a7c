import { invalidArgument } from '@genlab/errors';
import { z } from 'zod';
import { MAX_RUN_NOTES_LENGTH, MAX_RUN_TAGS, MAX_RUN_TAG_VALUE_LENGTH, RUN_TAG_KEY_PATTERN } from './run.types';

const KEY_RULE = 'a tag key is 1 to 64 letters, digits, _, . or -';
const tagKey = z.string().regex(RUN_TAG_KEY_PATTERN, KEY_RULE);

export const runUpdateSchema = z.object({
  setTags: z
    .record(z.string(), z.string().max(MAX_RUN_TAG_VALUE_LENGTH, `a tag value is at most ${MAX_RUN_TAG_VALUE_LENGTH} characters`))
    .superRefine((tags, context) => {
      for (const key of Object.keys(tags)) {
        if (!RUN_TAG_KEY_PATTERN.test(key)) context.addIssue({ code: 'custom', message: `'${key.slice(0, 80)}': ${KEY_RULE}`, path: [key] });
      }
    })
    .optional(),
  removeTagKeys: z.array(tagKey).optional(),
  notes: z.string().max(MAX_RUN_NOTES_LENGTH, `notes are at most ${MAX_RUN_NOTES_LENGTH} characters`).optional(),
});

/** The stored JSON text of a run's tags as a map (anything unreadable reads as no tags). */
export function readTags(text: string): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    return {};
  }
}

/** Keys in order, so equal maps store equal text. */
export function writeTags(tags: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.fromEntries(Object.keys(tags).sort().map((key) => [key, tags[key]])));
}

/** Removes, then sets; refuses a result with more than MAX_RUN_TAGS tags. */
export function applyTagChanges(
  current: Readonly<Record<string, string>>,
  setTags: Readonly<Record<string, string>> = {},
  removeTagKeys: readonly string[] = [],
): Record<string, string> {
  const next = new Map(Object.entries(current));
  for (const key of removeTagKeys) next.delete(key);
  for (const [key, value] of Object.entries(setTags)) next.set(key, value);
  if (next.size > MAX_RUN_TAGS) {
    throw invalidArgument(`set_tags: a run has at most ${MAX_RUN_TAGS} tags; this update would leave it ${next.size}`, { field: 'set_tags', limit: MAX_RUN_TAGS });
  }
  return Object.fromEntries(next);
}
