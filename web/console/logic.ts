/**
 * The console's rules that need no DOM: roles and what each may do, deadline urgency, the dashboard's
 * buckets, CSV, PKCE and token claims. Imported by the bundle and tested in Node (test/unit/console).
 */

import { breachReportHours, breachWarnHours } from '../../shared/domain/breach-register.js';

export type Role = 'viewer' | 'handler' | 'admin';
const roleRank: Record<Role, number> = { viewer: 1, handler: 2, admin: 3 };

/**
 * What each role may do (issue 12): viewer sees queue and reports without personal values; handler acts on
 * requests and reveals personal data through an audited read; admin also disclosures, holds, breaches,
 * marketing and licence end.
 */
export const abilities = {
  viewQueue: 'viewer',
  viewReports: 'viewer',
  actOnRequests: 'handler',
  revealPersonalData: 'handler',
  workInbox: 'handler',
  budgetReviews: 'handler',
  disclosures: 'admin',
  holds: 'admin',
  endLicence: 'admin',
  breaches: 'admin',
  marketing: 'admin',
  bulkClose: 'handler',
} as const satisfies Record<string, Role>;
export type Ability = keyof typeof abilities;

/** The highest console role among the token's groups; undefined when it has none. */
export function roleOf(groups: readonly string[]): Role | undefined {
  let best: Role | undefined;
  for (const group of groups) {
    if (group in roleRank && (!best || roleRank[group as Role] > roleRank[best])) best = group as Role;
  }
  return best;
}

export const can = (role: Role | undefined, ability: Ability): boolean =>
  role !== undefined && roleRank[role] >= roleRank[abilities[ability]];

const DAY = 86_400_000;

export interface Deadline {
  daysLeft: number;
  overdue: boolean;
  /** Overdue, or less than a quarter of the answer period left. */
  urgent: boolean;
}

/** How urgent a request is: red when overdue or under 25 % of its (possibly extended) period left. */
export function deadlineOf(receivedAt: string, dueAt: string, now: Date): Deadline {
  const received = Date.parse(receivedAt);
  const due = Date.parse(dueAt);
  const left = due - now.getTime();
  const total = Math.max(due - received, 1);
  const overdue = left < 0;
  return { daysLeft: Math.floor(left / DAY), overdue, urgent: overdue || left / total < 0.25 };
}

/** The dashboard's three tiles over the open requests. */
export function deadlineBuckets(
  requests: readonly { dueAt: string }[],
  now: Date,
): { onTime: number; dueSoon: number; overdue: number } {
  const buckets = { onTime: 0, dueSoon: 0, overdue: 0 };
  for (const request of requests) {
    const left = Date.parse(request.dueAt) - now.getTime();
    if (left < 0) buckets.overdue += 1;
    else if (left <= 7 * DAY) buckets.dueSoon += 1;
    else buckets.onTime += 1;
  }
  return buckets;
}

/** RFC 4180 CSV; a cell that starts like a formula is prefixed so a spreadsheet never runs it. */
export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
  const cell = (value: string | number): string => {
    let text = String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** First and last day (YYYY-MM-DD) of each calendar month from `from` to `to`, in UTC. */
export function monthsBetween(from: string, to: string): { month: string; from: string; to: string }[] {
  const months: { month: string; from: string; to: string }[] = [];
  const end = new Date(`${to}T00:00:00Z`);
  let cursor = new Date(`${from.slice(0, 7)}-01T00:00:00Z`);
  while (cursor <= end && months.length < 36) {
    const next = new Date(Date.UTC(cursor.getUTCFullYear(), cursor.getUTCMonth() + 1, 1));
    const last = new Date(next.getTime() - DAY);
    const month = cursor.toISOString().slice(0, 7);
    months.push({
      month,
      from: month === from.slice(0, 7) ? from : cursor.toISOString().slice(0, 10),
      to: last > end ? to : last.toISOString().slice(0, 10),
    });
    cursor = next;
  }
  return months;
}

const base64url = (bytes: Uint8Array): string => {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
};

/** A random string of 43 base64url characters (256 bits): PKCE verifier, state, nonce. */
export function randomToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** RFC 7636 S256: base64url(SHA-256(verifier)). */
export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

export interface TokenClaims {
  sub: string;
  username: string;
  groups: string[];
  /** Epoch seconds. */
  exp: number;
}

/**
 * Reads a JWT's claims for display and for hiding what the role cannot use. Never trusted for access: the
 * API verifies the signature and checks the role on every call.
 */
export function claimsOf(token: string): TokenClaims | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replaceAll('-', '+').replaceAll('_', '/'));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    const groups = claims['cognito:groups'];
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return undefined;
    return {
      sub: claims.sub,
      username:
        typeof claims.username === 'string'
          ? claims.username
          : typeof claims['cognito:username'] === 'string'
            ? (claims['cognito:username'] as string)
            : claims.sub,
      groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
      exp: claims.exp,
    };
  } catch {
    return undefined;
  }
}

export interface ConsoleConfig {
  authorizeUrl: string;
  tokenUrl: string;
  logoutUrl: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  apiBase: string;
}

/** Checks /console/config.json and makes its URLs absolute (the local file uses paths on this origin). */
export function parseConfig(raw: unknown, origin: string): ConsoleConfig | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const record = raw as Record<string, unknown>;
  const keys = ['authorizeUrl', 'tokenUrl', 'logoutUrl', 'clientId', 'redirectUri', 'scope', 'apiBase'];
  if (!keys.every((key) => typeof record[key] === 'string' && record[key] !== '')) return undefined;
  const absolute = (value: string): string => new URL(value, origin).href;
  return {
    authorizeUrl: absolute(record.authorizeUrl as string),
    tokenUrl: absolute(record.tokenUrl as string),
    logoutUrl: absolute(record.logoutUrl as string),
    clientId: record.clientId as string,
    redirectUri: absolute(record.redirectUri as string),
    scope: record.scope as string,
    apiBase: (record.apiBase as string).replace(/\/$/, ''),
  };
}

/** Hours left on the AP's 72-hour clock (AVG art. 33(1)) from the moment of discovery. */
export function breachClock(
  discoveredAt: string,
  now: Date,
): { hoursLeft: number; level: 'ok' | 'warn' | 'late' } {
  const hoursLeft = (Date.parse(discoveredAt) + breachReportHours * 3_600_000 - now.getTime()) / 3_600_000;
  // The same thresholds as the server's clock (shared/domain/breach.ts clockOf), so list and API agree.
  return { hoursLeft, level: hoursLeft < 0 ? 'late' : hoursLeft <= breachWarnHours ? 'warn' : 'ok' };
}
