import { jsonBodyOf, parseProblem, type Problem } from '../../src/problem.js';
import { consoleTexts } from '../texts.js';
import { apiBase, currentSession } from './auth.js';

/** One event of the audit trail, as POST /api/admin/audit lists them. */
export interface AuditEvent {
  at: string;
  action: string;
  actor: { kind: string; id: string; username?: string };
  subjectId?: string;
  details: Record<string, string | number | boolean>;
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; problem: Problem };

let onUnauthorised: () => void = () => undefined;
/** What happens when the API refuses the token (expired or revoked): main.ts signs the user out. */
export function whenUnauthorised(handler: () => void): void {
  onUnauthorised = handler;
}

const localProblem = (status: number, code: string, message: { nl: string; en: string }): Problem => ({
  status,
  code,
  message: { ...message },
  errors: [],
});

/**
 * Calls a staff route on the same origin with the access token as `Authorization: Bearer`. Personal data
 * only ever travels in JSON bodies, never in a URL (which is why even look-ups are POSTs).
 */
export async function api<T>(
  path: string,
  body?: unknown,
  method: 'GET' | 'POST' = 'POST',
): Promise<ApiResult<T>> {
  const session = currentSession();
  if (!session) {
    onUnauthorised();
    return { ok: false, problem: localProblem(401, 'unauthorised', consoleTexts['auth.expired']) };
  }
  const headers: Record<string, string> = {
    accept: 'application/json',
    authorization: `Bearer ${session.accessToken}`,
  };
  if (method === 'POST') headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${apiBase()}${path}`, {
      method,
      headers,
      body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    return { ok: false, problem: localProblem(0, 'network', consoleTexts['common.networkError']) };
  }
  const parsed = await jsonBodyOf(response);
  if (response.ok) return { ok: true, data: parsed as T };
  if (response.status === 401) {
    onUnauthorised();
    return { ok: false, problem: localProblem(401, 'unauthorised', consoleTexts['auth.expired']) };
  }
  const hasCode = typeof parsed === 'object' && parsed !== null && 'code' in parsed;
  if (response.status === 404 && !hasCode) {
    // No such route on this server (yet): say so instead of a generic failure.
    return { ok: false, problem: localProblem(404, 'not-available', consoleTexts['common.notAvailable']) };
  }
  if (response.status === 403 && !hasCode) {
    return { ok: false, problem: localProblem(403, 'forbidden', consoleTexts['common.forbidden']) };
  }
  return { ok: false, problem: parseProblem(response.status, parsed) };
}
