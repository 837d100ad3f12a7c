'use client';

import { useRouter } from 'next/navigation';

export interface SelectOption {
  value: string;
  label: string;
  /** The page address with this option chosen (the server builds it, keeping the rest of the state). */
  href: string;
}

/**
 * A select whose choice lives in the URL: choosing an option pushes its address (so the
 * back button returns to the previous choice) and the server renders the new view.
 */
export function CompareSelect({ label, value, options, testId }: { label: string; value: string; options: SelectOption[]; testId: string }) {
  const router = useRouter();
  return (
    <label className="compare-select">
      <span>{label}</span>
      <select
        value={value}
        data-testid={testId}
        onChange={(e) => {
          const chosen = options.find((o) => o.value === e.target.value);
          if (chosen) router.push(chosen.href, { scroll: false });
        }}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
