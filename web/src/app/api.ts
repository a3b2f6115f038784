import { texts } from '../texts.js';
import { internalProblem, jsonBodyOf, parseProblem, type Problem } from '../problem.js';
import { go } from './dom.js';
import { currentToken, endSession, saveDraft, setFlash, setReturnPath } from './session.js';

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; problem: Problem };

/**
 * Calls the API on the same origin. Personal data only travels in JSON bodies and the token in the
 * Authorization header, never in the URL. A 401 on a signed-in call ends the session and goes to sign-in.
 */
export async function api<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH',
  path: string,
  { body, auth = false }: { body?: unknown; auth?: boolean } = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (auth) {
    const token = currentToken();
    if (!token) return signInAgain();
    headers.authorization = `Bearer ${token}`;
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      // The sign-in routes alone take and set the device cookie (HttpOnly, same origin; see
      // shared/domain/device-cookie.ts), so a stranger who spends the address's codes cannot keep its owner out.
      credentials: path.startsWith('/api/sign-in') ? 'same-origin' : 'omit',
      cache: 'no-store',
    });
  } catch {
    return {
      ok: false,
      problem: {
        ...internalProblem(0),
        code: 'network',
        message: { ...texts['common.networkError'] },
      },
    };
  }
  const parsed = await jsonBodyOf(response);
  if (response.ok) return { ok: true, status: response.status, data: parsed as T };
  if (auth && response.status === 401) return signInAgain();
  return { ok: false, problem: parseProblem(response.status, parsed) };
}

/** A signed-in download (the PDF overview) as a Blob; problems as for `api`. */
export async function apiFile(
  path: string,
): Promise<{ ok: true; blob: Blob } | { ok: false; problem: Problem }> {
  const token = currentToken();
  if (!token) return signInAgain();
  let response: Response;
  try {
    response = await fetch(path, {
      headers: { authorization: `Bearer ${token}` },
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    return {
      ok: false,
      problem: { ...internalProblem(0), code: 'network', message: { ...texts['common.networkError'] } },
    };
  }
  if (response.ok) return { ok: true, blob: await response.blob() };
  if (response.status === 401) return signInAgain();
  return { ok: false, problem: parseProblem(response.status, await jsonBodyOf(response)) };
}

/** The typed values of every form on the page that has any, to restore after signing in again. */
function typedValues(): Record<string, [string, string][]> {
  const forms: Record<string, [string, string][]> = {};
  for (const form of document.querySelectorAll<HTMLFormElement>('form[id]')) {
    const typed = [
      ...form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(
        'input[name]:not([type="file"]):not([type="checkbox"]):not([type="radio"]), textarea[name], select[name]',
      ),
    ].map((input) => ({
      entry: [input.name, input.value] as [string, string],
      // A value the script filled in (forms.ts setValue) is also its default: only typing changes it.
      changed: !(input instanceof HTMLSelectElement) && input.value !== input.defaultValue,
    }));
    if (typed.some((input) => input.changed)) forms[form.id] = typed.map((input) => input.entry);
  }
  return forms;
}

function signInAgain(): never {
  const path = window.location.pathname;
  setReturnPath(path);
  saveDraft({ path, forms: typedValues() });
  endSession();
  setFlash('common.sessionExpired');
  go('/sign-in.html');
  // Navigation is under way; nothing after this should run.
  throw new SessionEnded();
}

export class SessionEnded extends Error {
  constructor() {
    super('session ended');
  }
}
