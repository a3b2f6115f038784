import { messages } from '../../shared/domain/problems.js';
import type { Text } from './texts.js';

/**
 * An API error as the portal shows it: the problem's text and one text per field, in both languages.
 * The API always sends both (shared/http/problem.ts); anything else (a proxy's error page, a network
 * failure) becomes a generic text rather than raw output. DOM-free.
 */
export interface Problem {
  status: number;
  code: string;
  message: Text;
  errors: { field: string; code: string; message: Text }[];
}

const isText = (value: unknown): value is Text =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Text).nl === 'string' &&
  typeof (value as Text).en === 'string';

export const internalProblem = (status: number): Problem => ({
  status,
  code: 'internal',
  message: { ...messages.internal },
  errors: [],
});

/** A response's JSON body; undefined when it has none, or none that parses (a proxy's HTML error page). */
export async function jsonBodyOf(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function parseProblem(status: number, body: unknown): Problem {
  if (typeof body !== 'object' || body === null) return internalProblem(status);
  const record = body as Record<string, unknown>;
  const code = typeof record.code === 'string' ? record.code : 'internal';
  const fallback =
    (Object.hasOwn(messages, code) ? messages[code as keyof typeof messages] : undefined) ??
    messages.internal;
  const message = isText(record.message) ? record.message : { ...fallback };
  const errors = Array.isArray(record.errors)
    ? record.errors.flatMap((error: unknown) => {
        if (typeof error !== 'object' || error === null) return [];
        const item = error as Record<string, unknown>;
        if (typeof item.field !== 'string' || !isText(item.message)) return [];
        return [
          {
            field: item.field,
            code: typeof item.code === 'string' ? item.code : 'invalid-format',
            message: item.message,
          },
        ];
      })
    : [];
  return { status, code, message, errors };
}

/** `NL91ABNA0417164300` → `NL91 ABNA 0417 1643 00`, as on a bank card. */
export function formatIban(iban: string): string {
  return iban.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}

/** `#P-7K3M9Q2X.123456` → reference and code; undefined when the fragment is not such a pair. */
export function parseConfirmFragment(hash: string): { reference: string; code: string } | undefined {
  let value: string;
  try {
    value = decodeURIComponent(hash.replace(/^#/, '')).trim();
  } catch {
    return undefined;
  }
  const dot = value.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const reference = value.slice(0, dot);
  const code = value.slice(dot + 1);
  if (!/^[A-Za-z0-9-]{1,40}$/.test(reference) || !/^[0-9]{6}$/.test(code)) return undefined;
  return { reference, code };
}

/**
 * Form values keyed by the API's field paths (`address.postcode`) → the request body, nested. Empty optional
 * values are left out, so an absent addition is not sent as "".
 */
export function nest(
  values: [string, string][],
  optional: ReadonlySet<string> = new Set(),
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [path, raw] of values) {
    if (optional.has(path) && raw.trim() === '') continue;
    const parts = path.split('.');
    let target = body;
    for (const part of parts.slice(0, -1)) {
      const next = target[part];
      if (typeof next === 'object' && next !== null) target = next as Record<string, unknown>;
      else target = target[part] = {} as Record<string, unknown>;
    }
    target[parts[parts.length - 1] ?? path] = raw;
  }
  return body;
}
