/**
 * A comma- or space-separated list of integers in [min, max], each at most once, in the
 * order given: the values, or a message saying what to change.
 */
export function parseIntegerList(text: string, { min, max, what }: { min: number; max: number; what: string }): { values: number[] } | { error: string } {
  const parts = text.split(/[\s,]+/).filter((part) => part !== '');
  if (parts.length === 0) return { error: `list at least one ${what}` };
  const values: number[] = [];
  for (const part of parts) {
    const value = Number(part);
    if (!/^\d+$/.test(part) || !Number.isSafeInteger(value) || value < min || value > max) return { error: `'${part}' is not a ${what} (an integer from ${min} to ${max})` };
    if (values.includes(value)) return { error: `${value} is listed twice` };
    values.push(value);
  }
  return { values };
}

/** The families with a class-conditional variant: the data-efficiency template refuses the rest. */
export const CONDITIONAL_FAMILIES = ['vae', 'pixelcnn', 'realnvp'] as const;
