/** Steps the browser tests share: a licensee signing up, confirming, signing in, through the pages only. */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { texts, type Language, type TextKey } from '../../../web/src/texts.js';
import { nowSeconds, screenshotDir, type Portal } from './portal.js';

export const say = (key: TextKey, language: Language): string => texts[key][language];

/** An attribute of the focused element (the tests' tsconfig has no DOM types, so the probe is a string). */
export const focused = (page: Page, attribute: string): Promise<string | null> =>
  page.evaluate<string | null>(
    `document.activeElement ? document.activeElement.getAttribute(${JSON.stringify(attribute)}) : null`,
  );

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

/** Sign up on the signup page and confirm with the mailed code; ends on "my data". */
export async function signUpAndConfirm(
  portal: Portal,
  page: Page,
  licensee: Licensee,
  language: Language,
  shots?: string,
): Promise<void> {
  await page.goto('/signup.html');
  await fillSignup(page, licensee, language);
  if (shots) await snap(page, `${shots}-signup`);
  const since = nowSeconds();
  await page.getByRole('button', { name: say('signup.submit', language), exact: true }).click();
  await page.waitForURL('**/confirm.html');
  await expect.poll(() => page.locator('#flash').textContent()).toBe(say('signup.done', language));
  // The address typed on the signup page is filled in (from sessionStorage, not the URL).
  expect(await page.getByLabel(say('field.email', language), { exact: true }).inputValue()).toBe(
    licensee.email,
  );
  expect(page.url()).not.toContain('@');
  const code = await portal.codeFor(licensee.email, since);
  await page.getByLabel(say('field.code', language), { exact: true }).fill(code);
  if (shots) await snap(page, `${shots}-confirm`);
  await page.getByRole('button', { name: say('confirm.submit', language), exact: true }).click();
  await page.waitForURL('**/my-data.html');
  await expect.poll(() => page.locator('#profile-view').textContent()).toContain(licensee.name);
}

export async function signIn(portal: Portal, page: Page, email: string, language: Language): Promise<void> {
  await page.goto('/sign-in.html');
  await page.getByLabel(say('field.email', language), { exact: true }).fill(email);
  const since = nowSeconds();
  await page.getByRole('button', { name: say('signIn.sendCode', language), exact: true }).click();
  const code = page.getByLabel(say('field.code', language), { exact: true });
  await code.waitFor();
  await code.fill(await portal.codeFor(email, since));
  await page.getByRole('button', { name: say('signIn.submit', language), exact: true }).click();
  await page.waitForURL('**/my-data.html');
}
