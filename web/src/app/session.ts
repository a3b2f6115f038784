import { readTabValue as read, readUnexpired, writeTabValue as write } from '../../shared/tab-storage.js';
import type { TextKey } from '../texts.js';

/**
 * The session token lives in sessionStorage: gone when the tab closes, never in a cookie or a URL. Sent as
 * `Authorization: Bearer` by api.ts. (The one cookie, the device cookie the sign-in routes set, is HttpOnly and
 * grants no access: it only lets this browser ask for a sign-in code from the owner's reserve.)
 */
const sessionKey = 'zorgsom.session';
const flashKey = 'zorgsom.flash';
const pendingEmailKey = 'zorgsom.pendingEmail';
const returnPathKey = 'zorgsom.returnPath';
const draftKey = 'zorgsom.draft';

interface Session {
  token: string;
  expiresAt: string;
}

export const currentToken = (): string | undefined =>
  readUnexpired<Session>(sessionKey, (session) =>
    typeof session.token === 'string' && typeof session.expiresAt === 'string'
      ? Date.parse(session.expiresAt)
      : undefined,
  )?.token;

export const isSignedIn = (): boolean => currentToken() !== undefined;

/** When the session ends (ms since the epoch), for the warning before it does. */
export function sessionExpiresAt(): number | undefined {
  const raw = read(sessionKey);
  if (!raw) return undefined;
  try {
    const at = Date.parse((JSON.parse(raw) as Partial<Session>).expiresAt ?? '');
    return Number.isNaN(at) ? undefined : at;
  } catch {
    return undefined;
  }
}

/** The page to come back to after signing in again (a path of this portal, never a full URL). */
export function setReturnPath(path: string): void {
  write(returnPathKey, /^\/[a-z-]+\.html$/.test(path) ? path : null);
}

export function takeReturnPath(): string | undefined {
  const path = read(returnPathKey);
  write(returnPathKey, null);
  return path ?? undefined;
}

/**
 * What was typed when the session ran out, per form, so nothing is lost across a new sign-in. Kept in this
 * tab's sessionStorage only (gone when the tab closes), never in a URL; taken (and so removed) on restore.
 */
export type Draft = { path: string; forms: Record<string, [string, string][]> };

export function saveDraft(draft: Draft): void {
  write(draftKey, JSON.stringify(draft));
}

export function takeDraft(path: string): Draft['forms'] | undefined {
  const raw = read(draftKey);
  if (!raw) return undefined;
  write(draftKey, null);
  try {
    const draft = JSON.parse(raw) as Draft;
    return draft.path === path ? draft.forms : undefined;
  } catch {
    return undefined;
  }
}

export function startSession(session: Session): void {
  write(sessionKey, JSON.stringify({ token: session.token, expiresAt: session.expiresAt }));
}

export function endSession(): void {
  write(sessionKey, null);
}

/** A message for the next page (after a redirect). */
export function setFlash(key: TextKey): void {
  write(flashKey, key);
}

export function takeFlash(): string | null {
  const key = read(flashKey);
  write(flashKey, null);
  return key;
}

/** The address just signed up with, so the confirmation page can fill it in (kept out of the URL). */
export function setPendingEmail(email: string | null): void {
  write(pendingEmailKey, email);
}

export const pendingEmail = (): string => read(pendingEmailKey) ?? '';
