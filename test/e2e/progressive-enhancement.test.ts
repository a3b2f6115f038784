/**
 * The portal before, and without, its script: a form sent before the script has loaded (a slow phone) puts
 * no typed value in any URL and keeps what was typed; without JavaScript every page says what to do instead
 * of "loading" forever. And addresses as people write them, in both languages, on desktop and on a phone.
 */
import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { messages } from '../../shared/domain/problems.js';
import { pages } from '../../web/src/pages.js';
import { texts, type Language } from '../../web/src/texts.js';
import { axeViolations, settled } from './support/checks.js';
import { E2E_TIMEOUT, nowSeconds, uniqueEmail } from './support/portal.js';
import {
  enterCode,
  fillSignup,
  sampleLicensee,
  say,
  snap,
  usePortal,
  watchForProblems,
} from './support/steps.js';

const portal = usePortal();

/** Every URL the page navigated to or requested, from the first byte on. */
function recordUrls(page: Page): string[] {
  const urls: string[] = [];
  page.on('framenavigated', (frame) => urls.push(frame.url()));
  page.on('request', (request) => urls.push(request.url()));
  return urls;
}

/** The values of the sample licensee, in every form a URL could carry them (raw and URL-encoded). */
function valuesIn(urls: string[], values: string[]): string[] {
  const needles = values.flatMap((value) => [
    value,
    encodeURIComponent(value),
    encodeURIComponent(value).replace(/%20/g, '+'),
    value.replace(/\s+/g, ''),
  ]);
  return urls.filter(
    (url) => url.includes('?') || needles.some((needle) => needle.length > 2 && url.includes(needle)),
  );
}

describe('submitted before the script has loaded', () => {
  it.each<Language>(['nl', 'en'])(
    'sends nothing to a URL and keeps what was typed (%s)',
    { timeout: E2E_TIMEOUT },
    async (language) => {
      const { context, page } = await portal.newPage({ language, phone: language === 'en' });
      const urls = recordUrls(page);
      let release: () => void = () => undefined;
      const scriptHeld = new Promise<void>((resolve) => {
        release = resolve;
      });
      // The app script arrives only when the test says so, as on a slow phone.
      await page.route('**/assets/app-*.js', async (route: Route) => {
        await scriptHeld;
        await route.continue();
      });
      try {
        const licensee = { ...sampleLicensee(uniqueEmail(`early-${language}`)), houseNumber: '123-A' };
        await page.goto('/signup.html', { waitUntil: 'commit' });
        await page.locator('#signup-form').waitFor();
        // Texts are still the Dutch rendered ones: the script that switches language has not run.
        await fillSignup(page, licensee, 'nl');
        // Enter in a field, and a press on the button: neither may send the form anywhere.
        await page.locator('#f-iban').press('Enter');
        await page.locator('#signup-form button[type="submit"]').click({ force: true });
        await page.waitForTimeout(300);
        expect(await page.locator('#signup-form button[type="submit"]').isDisabled()).toBe(true);
        expect(new URL(page.url()).pathname).toBe('/signup.html');
        const typed = [licensee.name, licensee.email, licensee.iban, licensee.street, licensee.city];
        expect(valuesIn(urls, typed)).toEqual([]);

        release();
        await settled(page, language);
        // What was typed is still there, and now the form sends it in a request body.
        expect(await page.locator('#f-email').inputValue()).toBe(licensee.email);
        await expect.poll(() => page.locator('#signup-form button[type="submit"]').isEnabled()).toBe(true);
        const since = nowSeconds();
        await page.getByRole('button', { name: say('signup.submit', language), exact: true }).click();
        await page.waitForURL('**/confirm.html');
        await portal.codeFor(licensee.email, since);
        expect(valuesIn(urls, typed)).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );
});

describe('without JavaScript', () => {
  const files = Object.values(pages).map((page) => page.file);

  it('shows a clear notice on every page and never "loading"', { timeout: E2E_TIMEOUT }, async () => {
    const { context, page } = await portal.newPage({ script: false });
    try {
      for (const file of files) {
        await page.goto(`/${file}`);
        // Playwright's text engine skips <noscript>, so the notice is found by its element.
        const notice = page.locator('main noscript p.notice');
        expect(await notice.isVisible(), file).toBe(true);
        expect(await notice.textContent(), file).toBe(texts['common.noScript'].nl);
        expect(await page.getByText(texts['common.loading'].nl).first().isVisible(), file).toBe(false);
        expect(
          await page
            .locator('form')
            .first()
            .isVisible()
            .catch(() => false),
          file,
        ).toBe(false);
        if (file === 'my-data.html' || file === 'index.html') await snap(page, `nl-noscript-${file}`);
      }
    } finally {
      await context.close();
    }
  });
});

describe('addresses as people write them', () => {
  it.each<[Language, boolean]>([
    ['nl', false],
    ['en', true],
  ])(
    'signs up from Belgium with "4 bus 3" and B-2000 (%s, phone: %s)',
    { timeout: E2E_TIMEOUT },
    async (language, phone) => {
      const { context, page } = await portal.newPage({ language, phone });
      const problems = watchForProblems(page, new URL(portal.url).origin);
      const width = phone ? '375' : '1280';
      try {
        await page.goto('/signup.html');
        await settled(page, language);
        const licensee = {
          ...sampleLicensee(uniqueEmail(`be-${language}`)),
          street: 'Meir',
          houseNumber: 'Meir 4',
          postcode: '1015 CJ',
          city: 'Antwerpen',
        };
        await fillSignup(page, licensee, language);
        await page.getByLabel(say('field.country', language), { exact: true }).selectOption('BE');
        await page.getByRole('button', { name: say('signup.submit', language), exact: true }).click();
        // Each error says what to type, next to its field.
        await expect
          .poll(() => page.locator('#f-address-houseNumber-error').textContent())
          .toBe(messages['invalid-house-number'][language]);
        expect(await page.locator('#f-address-postcode-error').textContent()).toBe(
          messages['invalid-postcode-be'][language],
        );
        expect(await axeViolations(page)).toEqual([]);
        await snap(page, `${language}-${width}-signup-address-errors`);

        await page.getByLabel(say('field.houseNumber', language), { exact: true }).fill('4 bus 3');
        await page.getByLabel(say('field.postcode', language), { exact: true }).fill('B-2000');
        const since = nowSeconds();
        await page.getByRole('button', { name: say('signup.submit', language), exact: true }).click();
        await page.waitForURL('**/confirm.html');
        await enterCode(page, await portal.codeFor(licensee.email, since), language, 'confirm.submit');
        const view = page.locator('#profile-view');
        await expect.poll(() => view.textContent()).toContain('Meir 4 bus 3');
        expect(await view.textContent()).toContain('2000 Antwerpen');
        expect(await view.textContent()).toContain(language === 'nl' ? 'België' : 'Belgium');
        // The edit form shows it the way it is written, and the country by name.
        expect(await page.locator('#f-address-houseNumber').inputValue()).toBe('4 bus 3');
        expect(await page.locator('#f-address-country').inputValue()).toBe('BE');
        await snap(page, `${language}-${width}-my-data-belgium`);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );
});
