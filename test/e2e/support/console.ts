/** The staff console's browser-test steps: a signed-in staff tab, data made through the real API, waits. */
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { consoleTexts, type ConsoleTextKey } from '../../../web/console/texts.js';
import type { Language } from '../../../web/src/texts.js';
import { nowSeconds, uniqueEmail, type Portal } from './portal.js';

export const tr = (key: ConsoleTextKey, language: Language = 'nl'): string => consoleTexts[key][language];

export type Role = 'viewer' | 'handler' | 'admin';

function staffCredential(portal: Portal): string {
  const credential = portal.stack.staffCredential;
  if (!credential) throw new Error('The local stack serves no staff routes');
  return credential;
}

/**
 * A tab signed in to the console as `role`. Until the local staff IdP is on main this puts the stack's
 * staff credential into the console's session (sessionStorage) with the role the token would carry.
 */
export async function staffTab(
  portal: Portal,
  role: Role,
  options: { language?: Language; width?: number } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await portal.browser.newContext({
    baseURL: portal.url,
    acceptDownloads: true,
    locale: 'nl-NL',
    viewport: { width: options.width ?? 1280, height: 900 },
  });
  const session = JSON.stringify({
    accessToken: staffCredential(portal),
    expiresAt: Date.now() + 3_600_000,
    username: `local-${role}`,
    role,
  });
  await context.addInitScript({
    content: `if (!sessionStorage.getItem('zorgsom.console.session')) sessionStorage.setItem('zorgsom.console.session', ${JSON.stringify(session)});
localStorage.setItem('zorgsom.language', ${JSON.stringify(options.language ?? 'nl')});`,
  });
  return { context, page: await context.newPage() };
}

/** Opens a console route and waits until its data has been drawn. */
export async function openRoute(page: Page, route: string): Promise<void> {
  await page.goto(`/console/#/${route}`);
  await settledConsole(page);
}

export async function settledConsole(page: Page): Promise<void> {
  await page.locator('main:not([aria-busy])').waitFor({ state: 'attached' });
}

export async function staffCall<T>(
  portal: Portal,
  path: string,
  body?: unknown,
): Promise<{ status: number; data: T }> {
  const response = await fetch(`${portal.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${staffCredential(portal)}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, data: (text ? JSON.parse(text) : undefined) as T };
}

async function call<T>(portal: Portal, method: string, path: string, body?: unknown, token?: string) {
  const response = await fetch(`${portal.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, data: (text ? JSON.parse(text) : undefined) as T };
}

/** A licensee signed up and confirmed through the public API (the portal's own tests cover its pages). */
export async function newLicensee(portal: Portal, label: string) {
  const email = uniqueEmail(label);
  const since = nowSeconds();
  const signup = await call(portal, 'POST', '/api/licensees', {
    name: 'Annelies de Vries',
    address: { street: 'Keizersgracht', houseNumber: '123', postcode: '1015 CJ', city: 'Amsterdam' },
    email,
    iban: 'NL91 ABNA 0417 1643 00',
  });
  expect(signup.status).toBe(202);
  const confirmed = await call<{ token: string }>(portal, 'POST', '/api/licensees/confirm', {
    email,
    code: await portal.codeFor(email, since),
  });
  expect(confirmed.status).toBe(200);
  const token = confirmed.data.token;
  const me = await call<{ licenseeId: string }>(portal, 'GET', '/api/me', undefined, token);
  return { email, token, licenseeId: me.data.licenseeId };
}

export async function submitRequest(
  portal: Portal,
  token: string,
  type: string,
  message?: string,
): Promise<{ reference: string; status: string; dueAt: string }> {
  const response = await call<{ reference: string; status: string; dueAt: string }>(
    portal,
    'POST',
    '/api/privacy-requests',
    { type, ...(message ? { message } : {}) },
    token,
  );
  expect(response.status).toBe(201);
  return response.data;
}

export interface AuditEvent {
  action: string;
  actor: { kind: string; id: string };
  subjectId?: string;
  details: Record<string, unknown>;
}

export const auditOf = async (portal: Portal, licenseeId: string): Promise<AuditEvent[]> =>
  (await staffCall<{ events: AuditEvent[] }>(portal, '/api/admin/audit', { licenseeId })).data.events;
