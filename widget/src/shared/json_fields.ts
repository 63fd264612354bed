// Reading the fields of a parsed JSON object strictly: each returns null for a missing field or
// one of the wrong type, so a control message either parses into its type or is refused.

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A control message's text as a JSON object; null for bad JSON or anything but an object. */
export function parseObject(text: string): Json | null {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
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

/** Lower-case hex of an even length, or of exactly `bytes` bytes. */
export function isHex(value: string | null, bytes?: number): value is string {
  return value !== null && value.length % 2 === 0 && (bytes === undefined || value.length === bytes * 2) && /^[0-9a-f]*$/.test(value);
}

/** An array of lower-case hex strings. */
export function hexList(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  return value.every((item) => typeof item === 'string' && isHex(item)) ? (value as string[]) : null;
}
