/** Next's `searchParams`: a value per name, repeated names as arrays. */
export type SearchParams = Record<string, string | string[] | undefined>;

/** The first value of a search parameter, undefined when absent or empty. */
export function firstParam(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v === '' ? undefined : v;
}

/** Every value of a repeated parameter (`?run=a&run=b`, or `?run=a,b`), without blanks or repeats. */
export function allParams(value: string | string[] | undefined): string[] {
  const list = (Array.isArray(value) ? value : value === undefined ? [] : [value]).flatMap((v) => v.split(','));
  return [...new Set(list.map((v) => v.trim()).filter(Boolean))];
}

/**
 * `path` with the given parameters; undefined or empty values are left out, so links only
 * carry what differs from the defaults. Arrays become repeated parameters.
 */
export function hrefWith(path: string, params: Record<string, string | number | readonly string[] | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) value.forEach((v) => search.append(name, v));
    else search.set(name, String(value));
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}
