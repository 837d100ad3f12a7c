import type { OutputStream } from '../core/cli-io';
import { formatNumber } from './table';

/** What a watcher knows about a run at a moment. */
export interface ProgressState {
  status: string;
  stepsDone: number;
  totalSteps: number;
  stepsPerSecond?: number;
  loss?: number;
  epoch?: number;
}

const pct = (s: ProgressState) => (s.totalSteps > 0 ? Math.min(100, Math.floor((100 * s.stepsDone) / s.totalSteps)) : 0);

function eta(s: ProgressState): string | undefined {
  if (!s.stepsPerSecond || s.stepsPerSecond <= 0 || s.totalSteps <= s.stepsDone) return undefined;
  const seconds = Math.round((s.totalSteps - s.stepsDone) / s.stepsPerSecond);
  if (seconds < 1) return undefined;
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}

function details(s: ProgressState): string[] {
  const parts: string[] = [];
  if (s.stepsPerSecond !== undefined) parts.push(`${s.stepsPerSecond.toFixed(1)} steps/s`);
  if (s.loss !== undefined) parts.push(`loss ${formatNumber(s.loss, 5)}`);
  const left = eta(s);
  if (left) parts.push(`eta ${left}`);
  return parts;
}

/** One redrawable line: `[██████░░░░] 24/40  60%  12.3 steps/s  loss 1.2345  eta 2s`. */
export function progressBar(s: ProgressState, width = 80): string {
  const counts = `${s.stepsDone}/${s.totalSteps || '?'}`;
  const tail = [counts, `${String(pct(s)).padStart(3)}%`, ...details(s)].join('  ');
  // A steady bar width (not shrinking as the numbers grow), narrower on small terminals.
  const barWidth = Math.max(10, Math.min(30, width - 60));
  const filled = Math.round((barWidth * pct(s)) / 100);
  return `[${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}] ${tail}`.slice(0, Math.max(20, width - 1));
}

/** One log line for non-terminals: `step 24/40 (60%)  12.3 steps/s  loss 1.2345`. */
export function progressLine(s: ProgressState): string {
  return [`step ${s.stepsDone}/${s.totalSteps || '?'} (${pct(s)}%)`, ...details(s)].join('  ');
}

export interface ProgressRenderer {
  update(state: ProgressState): void;
  /** A line that stays (status changes, checkpoints). */
  note(text: string): void;
  done(): void;
}

/** Redraws a bar in place, at most every 100 ms. */
export function ttyRenderer(out: OutputStream, now: () => number = Date.now): ProgressRenderer {
  let last = 0;
  let state: ProgressState | undefined;
  let drawn = false;
  const draw = () => {
    if (!state) return;
    out.write(`\r\x1b[2K${progressBar(state, out.columns || 80)}`);
    drawn = true;
  };
  const clear = () => {
    if (drawn) out.write('\r\x1b[2K');
    drawn = false;
  };
  return {
    update(next) {
      state = next;
      if (now() - last >= 100 || next.stepsDone >= next.totalSteps) {
        last = now();
        draw();
      }
    },
    note(text) {
      clear();
      out.write(`${text}\n`);
      draw();
    },
    done() {
      draw();
      if (drawn) out.write('\n');
      drawn = false;
    },
  };
}

/** Plain lines for logs and pipes: one progress line at most every `intervalMs`, plus the last. */
export function lineRenderer(out: OutputStream, intervalMs = 2000, now: () => number = Date.now): ProgressRenderer {
  let last = -Infinity;
  let pending: ProgressState | undefined;
  const flush = () => {
    if (pending) out.write(`${progressLine(pending)}\n`);
    pending = undefined;
  };
  return {
    update(state) {
      pending = state;
      if (now() - last >= intervalMs) {
        last = now();
        out.write(`${progressLine(state)}\n`);
        pending = undefined;
      }
    },
    note(text) {
      flush();
      out.write(`${text}\n`);
    },
    done: () => flush(),
  };
}

const ignore = () => undefined;

export const silentRenderer = (): ProgressRenderer => ({ update: ignore, note: ignore, done: ignore });
