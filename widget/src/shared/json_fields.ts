// Reading the fields of a parsed JSON object strictly: each returns null for a missing field or
// one of the wrong type, so a control message either parses into its type or is refused.

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(record: Json, key: string): string | null {
  const value = record[key];
  return typeof value === 'string' ? value : null;
}

/** A non-negative integer. */
export function count(record: Json, key: string): number | null {
  const value = record[key];
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}

export function bool(record: Json, key: string): boolean | null {
  const value = record[key];
  return typeof value === 'boolean' ? value : null;
}
