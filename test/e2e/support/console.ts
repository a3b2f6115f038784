/** The staff console's browser-test steps: a signed-in staff tab, data made through the real API, waits. */
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { consoleTexts, type ConsoleTextKey } from '../../../web/console/texts.js';
import type { Language } from '../../../web/src/texts.js';
import { currentTotp } from '../../../local/staff-idp.js';
import { nowSeconds, uniqueEmail, type Portal } from './portal.js';

export const tr = (key: ConsoleTextKey, language: Language = 'nl'): string => consoleTexts[key][language];

export type Role = 'viewer' | 'handler' | 'admin';

/** Sessions by role: each first staff user signs in once through the pages (a TOTP code is single-use). */
const sessions = new Map<Role, Promise<string>>();

/** The 30-second TOTP step each user last signed in with: the IdP refuses a code of that step again. */
const usedSteps = new Map<string, number>();
const totpStep = () => Math.floor(Date.now() / 30_000);
async function freshTotp(user: { username: string; totpSecret: string }): Promise<string> {
  const used = usedSteps.get(user.username);
  if (used !== undefined && totpStep() <= used) {
    await new Promise((resolve) => setTimeout(resolve, (used + 1) * 30_000 - Date.now() + 50));
  }
  usedSteps.set(user.username, totpStep());
  return currentTotp(user);
}

/**
 * Signs `role`'s first staff user in through the console and the local staff IdP's pages: username and
 * password, then the TOTP code computed from the user's secret with the IdP's own library (otpauth).
 * Returns the console's session (its sessionStorage entry), so further tabs start signed in.
 */
export async function signInThroughPages(portal: Portal, page: Page, role: Role): Promise<string> {
  const user = (portal.stack.staffUsers ?? []).find((candidate) => candidate.role === role);
  if (!user) throw new Error(`The local stack made no ${role} user`);
  await page.goto('/console/');
  await page.getByRole('button', { name: tr('auth.signIn'), exact: true }).click();
  await page.locator('#username').fill(user.username);
  await page.locator('#password').fill(user.password);
  await page.getByRole('button', { name: /Volgende/ }).click();
  await page.locator('#code').fill(await freshTotp(user));
  await page.getByRole('button', { name: /Aanmelden/ }).click();
  await page.locator('#who').waitFor();
  const session = await page.evaluate<string | null>(`sessionStorage.getItem('zorgsom.console.session')`);
  if (!session) throw new Error('The console kept no session after signing in');
  return session;
}

export function sessionOf(portal: Portal, role: Role): Promise<string> {
  let session = sessions.get(role);
  if (!session) {
    session = (async () => {
      const context = await portal.browser.newContext({ baseURL: portal.url });
      try {
        return await signInThroughPages(portal, await context.newPage(), role);
      } finally {
        await context.close();
      }
    })();
    sessions.set(role, session);
  }
  return session;
}

export const tokenOf = async (portal: Portal, role: Role): Promise<string> =>
  (JSON.parse(await sessionOf(portal, role)) as { accessToken: string }).accessToken;

/** A tab signed in to the console as `role` (the session of that role's one sign-in through the pages). */
export async function staffTab(
  portal: Portal,
  role: Role,
  options: { language?: Language; width?: number } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const session = await sessionOf(portal, role);
  const context = await portal.browser.newContext({
    baseURL: portal.url,
    acceptDownloads: true,
    locale: 'nl-NL',
    viewport: { width: options.width ?? 1280, height: 900 },
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
    headers: {
      authorization: `Bearer ${await tokenOf(portal, 'admin')}`,
      'content-type': 'application/json',
    },
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

/** A request asked by email address on the public form and never confirmed (hidden from the list by default). */
export async function unconfirmedRequest(portal: Portal, email: string): Promise<void> {
  const response = await call(portal, 'POST', '/api/privacy-requests/by-email', {
    email,
    type: 'complaint',
    message: 'Nooit bevestigd.',
  });
  expect(response.status).toBeLessThan(300);
  // Stored by the by-email worker after the answer: settling the mail waits for it too.
  await portal.stack.mail.settle();
}

export interface AuditEvent {
  action: string;
  actor: { kind: string; id: string; username?: string };
  subjectId?: string;
  details: Record<string, unknown>;
}

export const auditOf = async (portal: Portal, licenseeId: string): Promise<AuditEvent[]> =>
  (await staffCall<{ events: AuditEvent[] }>(portal, '/api/admin/audit', { licenseeId })).data.events;
