'use client';

import { useRouter } from 'next/navigation';
import { useState, useSyncExternalStore, useTransition } from 'react';
import { setRunNotes } from '@/lib/server/run-update-actions';
import styles from './run-annotations.module.css';

const MAX_NOTES = 10_000;

const noSubscription = () => () => undefined;

/**
 * A run's notes with an inline editor (UpdateRun). `compact`: one truncated line, for a
 * table row; otherwise the whole text.
 */
export function RunNotesEditor({ runId, notes: initial, compact = false }: { runId: string; notes: string; compact?: boolean }) {
  const router = useRouter();
  const [notes, setNotes] = useState(initial);
  const [draft, setDraft] = useState<string>();
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  // Buttons stay disabled until React has hydrated them (a click before that would do nothing).
  const hydrated = useSyncExternalStore(noSubscription, () => true, () => false);

  const save = (event: React.FormEvent) => {
    event.preventDefault();
    if (draft === undefined) return;
    startTransition(async () => {
      const result = await setRunNotes(runId, draft);
      if (result.error) {
        setError(result.error);
        return;
      }
      setError(undefined);
      setNotes(result.notes ?? '');
      setDraft(undefined);
      router.refresh();
    });
  };

  if (draft !== undefined) {
    return (
      <form className={styles.notesEditor} onSubmit={save} data-testid="notes-editor">
        <textarea
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          rows={compact ? 3 : 6}
          maxLength={MAX_NOTES}
          aria-label="Notes"
          autoFocus
          data-testid="notes-input"
        />
        <span className={styles.inlineForm}>
          <button type="submit" disabled={pending} data-testid="notes-save">
            {pending ? 'Saving…' : 'Save'}
          </button>
          <button type="button" onClick={() => setDraft(undefined)} disabled={pending}>
            Cancel
          </button>
          <span className="muted small">
            {draft.length} / {MAX_NOTES}
          </span>
        </span>
        {error && (
          <span className={styles.error} role="alert">
            {error}
          </span>
        )}
      </form>
    );
  }
  return (
    <div data-testid="run-notes">
      {notes ? (
        <span className={compact ? styles.notesCompact : styles.notes} title={compact ? notes : undefined} data-testid="notes-text">
          {notes}
        </span>
      ) : (
        !compact && <span className="muted">No notes.</span>
      )}{' '}
      <button type="button" className={styles.iconButton} onClick={() => setDraft(notes)} aria-label={notes ? 'Edit notes' : 'Add notes'} data-testid="notes-edit" disabled={!hydrated}>
        {notes ? '✎' : compact ? '+ note' : 'Add notes'}
      </button>
    </div>
  );
}
