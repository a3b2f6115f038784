/**
 * The tab's sessionStorage, where the portal and the staff console keep their session: gone when the tab
 * closes, never a cookie or a URL. Without storage (turned off, full) nothing is read or kept, so the visitor
 * is signed in for the page at hand only.
 */
export function readTabValue(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeTabValue(key: string, value: string | null): void {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch {
    // No storage: nothing is kept.
  }
}

/**
 * The JSON record under `key` while it is valid: `expiryOf` gives its end (epoch ms), or undefined for a record
 * of the wrong shape. An expired record is removed.
 */
export function readUnexpired<T>(
  key: string,
  expiryOf: (record: Partial<T>) => number | undefined,
): T | undefined {
  const raw = readTabValue(key);
  if (!raw) return undefined;
  try {
    const record = JSON.parse(raw) as Partial<T>;
    const expiresAt = expiryOf(record);
    if (expiresAt === undefined) return undefined;
    if (expiresAt <= Date.now()) {
      writeTabValue(key, null);
      return undefined;
    }
    return record as T;
  } catch {
    return undefined;
  }
}
