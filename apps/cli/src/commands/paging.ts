import type { OptionSpec, OptionValues } from '../core/command.types';
import { intOption } from '../core/option-values';

export const pageOptions: Readonly<Record<string, OptionSpec>> = {
  limit: { type: 'string', value: 'N', description: 'At most N items (server default 50, at most 500).' },
  offset: { type: 'string', value: 'N', description: 'Skip the first N items.' },
};

export const pageRequest = (options: OptionValues) => ({
  pageSize: intOption(options, 'limit', { min: 1, max: 500, fallback: 0 }) as number,
  offset: intOption(options, 'offset', { max: 2 ** 31 - 1, fallback: 0 }) as number,
});

/** `(showing 50 of 120; use --offset 50 for more)` when the page is not everything. */
export function pageFooter(shown: number, total: number, options: OptionValues): string {
  const offset = Number(options.offset ?? 0);
  if (shown === 0 && total === 0) return '(none)\n';
  if (offset === 0 && shown >= total) return '';
  return `(showing ${offset + 1}-${offset + shown} of ${total}${offset + shown < total ? `; use --offset ${offset + shown} for more` : ''})\n`;
}
