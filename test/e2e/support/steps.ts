/** Steps the browser tests share: the file's portal, a licensee signing up, confirming, signing in, through the pages only. */
import { afterAll, beforeAll, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { texts, type Language, type TextKey } from '../../../web/src/texts.js';
import { settled } from './checks.js';
import { E2E_TIMEOUT, nowSeconds, screenshotDir, startPortal, type Portal } from './portal.js';

export const say = (key: TextKey, language: Language): string => texts[key][language];

/**
 * The test file's portal (stack and browser): started before its tests, stopped after them. What is returned
 * stands for it from the first test on.
 */
export function usePortal(): Portal {
  let started: Portal | undefined;
  beforeAll(async () => {
    started = await startPortal();
  }, E2E_TIMEOUT);
  afterAll(async () => {
    await started?.stop();
  });
  return new Proxy({} as Portal, {
    get(_target, property) {
      if (!started) throw new Error('the portal is started in beforeAll: use it inside a test');
      return Reflect.get(started, property);
    },
  });
}

/** Saves a full-page screenshot for review under test-output/screenshots/. */
export async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${screenshotDir}${name}.png`, fullPage: true });
}

/** Collects what must never happen on a page: CSP violations, script errors, requests to another origin. */
/** Console errors, page errors and requests beyond `origin` (and the `alsoAllowed` origins, e.g. the upload bucket). */
export function watchForProblems(page: Page, origin: string, alsoAllowed: readonly string[] = []): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    // A 4xx answer of the API (a field error the test provokes) is logged by Chromium; it is not a fault.
    if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) {
      problems.push(`console: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('request', (request) => {
    const url = request.url();
    const allowed = [origin, ...alsoAllowed].some((known) => url.startsWith(`${known}/`));
    if (!allowed && !url.startsWith('blob:') && !url.startsWith('data:')) {
      problems.push(`request to another origin: ${url}`);
    }
  });
  return problems;
}

export interface Licensee {
  name: string;
  email: string;
  street: string;
  houseNumber: string;
  postcode: string;
  city: string;
  iban: string;
}

export const sampleLicensee = (email: string): Licensee => ({
  name: 'Annelies de Vries',
  email,
  street: 'Keizersgracht',
  houseNumber: '123',
  postcode: '1015cj',
  city: 'Amsterdam',
  iban: 'NL91 ABNA 0417 1643 00',
});

export async function fillSignup(page: Page, licensee: Licensee, language: Language): Promise<void> {
  await page.getByLabel(say('field.name', language), { exact: true }).fill(licensee.name);
  await page.getByLabel(say('field.street', language), { exact: true }).fill(licensee.street);
  await page.getByLabel(say('field.houseNumber', language), { exact: true }).fill(licensee.houseNumber);
  await page.getByLabel(say('field.postcode', language), { exact: true }).fill(licensee.postcode);
  await page.getByLabel(say('field.city', language), { exact: true }).fill(licensee.city);
  await page.getByLabel(say('field.email', language), { exact: true }).fill(licensee.email);
  await page.getByLabel(say('field.iban', language), { exact: true }).fill(licensee.iban);
}

/** Fills in and sends the signup page (a screenshot `shot` of it filled in); ends on the confirm page. */
export async function submitSignup(
  page: Page,
  licensee: Licensee,
  language: Language,
  shot?: string,
): Promise<void> {
  await page.goto('/signup.html');
  await settled(page, language);
  await fillSignup(page, licensee, language);
  if (shot) await snap(page, shot);
  await page.getByRole('button', { name: say('signup.submit', language), exact: true }).click();
  await page.waitForURL('**/confirm.html');
}

/** Types a mailed code and sends it (`submit`: the confirm or the sign-in button); ends on "my data". */
export async function enterCode(
  page: Page,
  code: string,
  language: Language,
  submit: 'confirm.submit' | 'signIn.submit',
  shot?: string,
): Promise<void> {
  await page.getByLabel(say('field.code', language), { exact: true }).fill(code);
  if (shot) await snap(page, shot);
  await page.getByRole('button', { name: say(submit, language), exact: true }).click();
  await page.waitForURL('**/my-data.html');
}

/** Sign up on the signup page and confirm with the mailed code; ends on "my data". */
export async function signUpAndConfirm(
  portal: Portal,
  page: Page,
  licensee: Licensee,
  language: Language,
  shots?: string,
): Promise<void> {
  const since = nowSeconds();
  await submitSignup(page, licensee, language, shots && `${shots}-signup`);
  await expect.poll(() => page.locator('#flash').textContent()).toBe(say('signup.done', language));
  // The address typed on the signup page is filled in (from sessionStorage, not the URL).
  expect(await page.getByLabel(say('field.email', language), { exact: true }).inputValue()).toBe(
    licensee.email,
  );
  expect(page.url()).not.toContain('@');
  const code = await portal.codeFor(licensee.email, since);
  await enterCode(page, code, language, 'confirm.submit', shots && `${shots}-confirm`);
  await expect.poll(() => page.locator('#profile-view').textContent()).toContain(licensee.name);
}

/** A licensee signed up and confirmed in a browser of its own (closed again), so a test starts signed out. */
export async function signedUpElsewhere(portal: Portal, licensee: Licensee, language: Language) {
  const { context, page } = await portal.newPage({ language });
  try {
    await signUpAndConfirm(portal, page, licensee, language);
  } finally {
    await context.close();
  }
}

/** Asks the sign-in page for a code for `email`; resolves with the moment (epoch seconds) it was asked. */
export async function askSignInCode(page: Page, email: string, language: Language): Promise<number> {
  await page.goto('/sign-in.html');
  await settled(page, language);
  await page.getByLabel(say('field.email', language), { exact: true }).fill(email);
  const since = nowSeconds();
  await page.getByRole('button', { name: say('signIn.sendCode', language), exact: true }).click();
  return since;
}

export async function signIn(portal: Portal, page: Page, email: string, language: Language): Promise<void> {
  const since = await askSignInCode(page, email, language);
  await page.getByLabel(say('field.code', language), { exact: true }).waitFor();
  await enterCode(page, await portal.codeFor(email, since), language, 'signIn.submit');
}
