'use client';

import { useRouter } from 'next/navigation';
import { useState, useSyncExternalStore, useTransition } from 'react';
import { removeRunTag, setRunTag, type RunUpdateResult } from '@/lib/server/run-update-actions';
import styles from './run-annotations.module.css';

const noSubscription = () => () => undefined;
const KEY = /^[A-Za-z0-9_.-]{1,64}$/;

/** `key=value` (or a bare `key`, an empty value) as typed into the add box. */
export function parseTagInput(text: string): { key: string; value: string } | { error: string } {
  const trimmed = text.trim();
  const equals = trimmed.indexOf('=');
  const key = (equals < 0 ? trimmed : trimmed.slice(0, equals)).trim();
  const value = equals < 0 ? '' : trimmed.slice(equals + 1).trim();
  if (!KEY.test(key)) return { error: 'Write key=value; a key is 1 to 64 letters, digits, _, . or -' };
  if (value.length > 256) return { error: 'A tag value is at most 256 characters' };
  return { key, value };
}

/** A run's tags as chips, each removable, with a small form to add one (UpdateRun). */
export function RunTagsEditor({ runId, tags: initial }: { runId: string; tags: Record<string, string> }) {
  const router = useRouter();
  const [tags, setTags] = useState(initial);
  const [adding, setAdding] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  // Buttons stay disabled until React has hydrated them (a click before that would do nothing).
  const hydrated = useSyncExternalStore(noSubscription, () => true, () => false);

  const apply = (update: () => Promise<RunUpdateResult>, done?: () => void) =>
    startTransition(async () => {
      const result = await update();
      if (result.error) {
        setError(result.error);
        return;
      }
      setError(undefined);
      setTags(result.tags ?? {});
      done?.();
      router.refresh();
    });

  const add = (event: React.FormEvent) => {
    event.preventDefault();
    const parsed = parseTagInput(text);
    if ('error' in parsed) {
      setError(parsed.error);
      return;
    }
    apply(
      () => setRunTag(runId, parsed.key, parsed.value),
      () => {
        setText('');
        setAdding(false);
      },
    );
  };

  return (
    <div className={styles.tags} data-testid="run-tags" aria-busy={pending}>
      {Object.entries(tags)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, value]) => (
          <span key={key} className={styles.chip} data-testid="tag-chip" data-key={key} title={`tags.${key} = "${value}"`}>
            <span className={styles.chipKey}>{key}</span>
            {value && <span>{value}</span>}
            <button type="button" className={styles.iconButton} onClick={() => apply(() => removeRunTag(runId, key))} disabled={pending || !hydrated} aria-label={`Remove tag ${key}`} data-testid="tag-remove">
              ×
            </button>
          </span>
        ))}
      {adding ? (
        <form className={styles.inlineForm} onSubmit={add}>
          <input value={text} onChange={(e) => setText(e.target.value)} placeholder="key=value" aria-label="New tag (key=value)" autoFocus data-testid="tag-input" />
          <button type="submit" disabled={pending} data-testid="tag-submit">
            Add
          </button>
          <button type="button" className={styles.iconButton} onClick={() => setAdding(false)} aria-label="Cancel">
            ×
          </button>
        </form>
      ) : (
        <button type="button" className={styles.iconButton} onClick={() => setAdding(true)} aria-label="Add a tag" title="Add a tag" data-testid="tag-add" disabled={!hydrated}>
          + tag
        </button>
      )}
      {error && (
        <span className={styles.error} role="alert" data-testid="tag-error">
          {error}
        </span>
      )}
    </div>
  );
}
