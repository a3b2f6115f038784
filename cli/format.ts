/** Plain text tables for people; `--json` output is for scripts. */
export function table(rows: Record<string, unknown>[], columns?: string[]): string {
  if (rows.length === 0) return '(none)';
  const keys = columns ?? Object.keys(rows[0]!);
  const cell = (value: unknown) =>
    value === undefined || value === null
      ? ''
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  const widths = keys.map((key) => Math.max(key.length, ...rows.map((row) => cell(row[key]).length)));
  const line = (cells: string[]) =>
    cells
      .map((text, i) => text.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    line(keys),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((row) => line(keys.map((key) => cell(row[key])))),
  ].join('\n');
}

/** A nested object as indented `key: value` lines. */
export function details(value: unknown, indent = ''): string {
  if (Array.isArray(value))
    return value
      .map(
        (item) =>
          `${indent}- ${typeof item === 'object' ? `\n${details(item, `${indent}  `)}` : String(item)}`,
      )
      .join('\n');
  if (value && typeof value === 'object') {
    return Object.entries(value)
      .map(([key, inner]) =>
        inner && typeof inner === 'object'
          ? `${indent}${key}:\n${details(inner, `${indent}  `)}`
          : `${indent}${key}: ${inner ?? ''}`,
      )
      .join('\n');
  }
  return `${indent}${String(value)}`;
}
