/**
 * A new licensee does every self-service action in a real browser (Debian's Chromium), Dutch and English:
 * sign up → code from the SES emulator → confirm → correct the address → download the export → opt out of
 * marketing → request deletion → see the request with its due date → sign out and in again. Plus a request
 * without an account, confirmed through the mailed link.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { policy } from '../../shared/domain/policy.js';
import { requestStatusTexts, requestTypeTexts, type Language } from '../../web/src/texts.js';
import { E2E_TIMEOUT, nowSeconds, uniqueEmail } from './support/portal.js';
import {
  sampleLicensee,
  say,
  signedUpElsewhere,
  signIn,
  signUpAndConfirm,
  snap,
  usePortal,
  watchForProblems,
} from './support/steps.js';

const portal = usePortal();

describe.each<Language>(['nl', 'en'])('self-service in the browser (%s)', (language) => {
  it(
    'signs up, corrects, exports, opts out, requests deletion, signs out and in',
    { timeout: E2E_TIMEOUT },
    async () => {
      const { context, page } = await portal.newPage();
      const problems = watchForProblems(page, new URL(portal.url).origin);
      // Every address the page went to and every request it made, not just where it ended.
      const visited: string[] = [];
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) visited.push(frame.url());
      });
      page.on('request', (request) => visited.push(request.url()));
      const shots = `${language}`;
      try {
        // Home: rendered from the policy file, Dutch by default; English by the switch, remembered.
        await page.goto('/');
        expect(await page.locator('html').getAttribute('lang')).toBe('nl');
        if (language === 'en') {
          await page.getByRole('button', { name: say('site.switchLanguageLabel', 'nl') }).click();
          expect(await page.locator('html').getAttribute('lang')).toBe('en');
        }
        await expect.poll(() => page.locator('h1').textContent()).toBe(say('home.title', language));
        const categories = await page.locator('#data-categories li').allTextContents();
        expect(categories).toEqual(policy.dataCategories.map((category) => category[language]));
        expect(await page.locator('#retention').textContent()).toContain(
          String(policy.retention.afterLicenceEndMonths / 12),
        );
        await snap(page, `${shots}-home`);

        const email = uniqueEmail(`flow-${language}`);
        const licensee = sampleLicensee(email);
        await signUpAndConfirm(portal, page, licensee, language, shots);
        // The language choice survived every page change (localStorage).
        expect(await page.locator('html').getAttribute('lang')).toBe(language);
        expect(await page.locator('#profile-view').textContent()).toContain('1015 CJ');
        expect(await page.locator('#profile-view').textContent()).toContain('NL91 ABNA 0417 1643 00');
        await snap(page, `${shots}-my-data`);

        // Correct the address: its "Wijzigen" opens its form, and only that one.
        const addressForm = page.locator('#address-form');
        expect(await addressForm.isHidden()).toBe(true);
        await page.locator('#profile-view [data-edit="address-form"]').click();
        expect(await addressForm.isVisible()).toBe(true);
        expect(await page.locator('#iban-form').isHidden()).toBe(true);
        await addressForm.getByLabel(say('field.street', language), { exact: true }).fill('Prinsengracht');
        // As people write it: split into number and toevoeging, shown back the Dutch way.
        await addressForm.getByLabel(say('field.houseNumber', language), { exact: true }).fill('7 - ii');
        await addressForm.getByLabel(say('field.postcode', language), { exact: true }).fill('1016 hd');
        await addressForm.getByRole('button', { name: say('myData.saveAddress', language) }).click();
        await expect
          .poll(() => page.locator('#profile-status').textContent())
          .toBe(say('common.saved', language));
        expect(await addressForm.isHidden()).toBe(true);
        expect(await page.locator('#profile-view').textContent()).toContain('Prinsengracht 7-II');
        expect(await page.locator('#profile-view').textContent()).toContain('1016 HD');

        // Download the export as JSON.
        const downloading = page.waitForEvent('download');
        await page.getByRole('button', { name: say('myData.exportJson', language) }).click();
        const download = await downloading;
        expect(download.suggestedFilename()).toBe(
          language === 'nl' ? 'zorgsom-overzicht.json' : 'zorgsom-overview.json',
        );
        const exported = JSON.parse(await readFile((await download.path()) ?? '', 'utf8')) as {
          profile: { personalData: { email: string; address: { street: string } } };
        };
        expect(exported.profile.personalData.email).toBe(email);
        expect(exported.profile.personalData.address.street).toBe('Prinsengracht');
        await expect
          .poll(() => page.locator('#export-success').textContent())
          .toBe(say('myData.exportDownloaded', language));

        // ...and as a readable page.
        await page.getByRole('link', { name: say('myData.exportPage', language) }).click();
        await page.waitForURL('**/export.html');
        await expect.poll(() => page.locator('#export-view').textContent()).toContain('Prinsengracht 7-II');
        expect(await page.locator('#export-view').textContent()).toContain(email);
        await snap(page, `${shots}-export`);

        // Opt out of marketing.
        await page.getByRole('link', { name: say('nav.marketing', language), exact: true }).click();
        await page.waitForURL('**/marketing.html');
        const optOut = page.getByLabel(say('marketing.out', language));
        await page.getByLabel(say('marketing.in', language)).waitFor();
        await expect.poll(() => page.getByLabel(say('marketing.in', language)).isChecked()).toBe(true);
        await optOut.check();
        await page.getByRole('button', { name: say('common.save', language) }).click();
        await expect
          .poll(() => page.locator('#marketing-form-success').textContent())
          .toBe(say('marketing.savedOut', language));
        await snap(page, `${shots}-marketing`);
        await page.reload();
        await expect.poll(() => optOut.isChecked()).toBe(true);

        // Request deletion.
        await page.getByRole('link', { name: say('nav.request', language), exact: true }).click();
        await page.waitForURL('**/privacy-request.html');
        // Signed in: no email field, the session identifies the licensee.
        expect(await page.locator('#by-email').isHidden()).toBe(true);
        await page.getByLabel(requestTypeTexts.deletion[language]).check();
        await page
          .getByLabel(say('request.message', language))
          .fill('Graag alles verwijderen na afloop van mijn licentie.');
        await snap(page, `${shots}-privacy-request`);
        await page.getByRole('button', { name: say('request.submit', language) }).click();
        // Deletion first says what follows; nothing is sent until the second yes.
        const step = page.locator('#deletion-confirm');
        await step.waitFor();
        expect(await step.textContent()).toContain(say('request.deletionConsequences', language));
        expect(await page.locator('#request-result').isHidden()).toBe(true);
        await snap(page, `${shots}-deletion-confirm`);
        await page.getByRole('button', { name: say('request.deletionConfirm', language) }).click();
        const result = page.locator('#request-result');
        await expect
          .poll(() => result.textContent(), { timeout: 10_000 })
          .toContain(say('request.sentSignedIn', language));
        const reference = (await result.locator('dd').first().textContent()) ?? '';
        expect(reference).toMatch(/^[A-Z0-9-]+$/);
        await snap(page, `${shots}-privacy-request-sent`);

        // My requests: the deletion with its status and due date.
        await page.getByRole('link', { name: say('nav.requests', language), exact: true }).click();
        await page.waitForURL('**/requests.html');
        const row = page.locator(`tr[data-reference="${reference}"]`);
        await row.waitFor();
        expect(await row.textContent()).toContain(requestTypeTexts.deletion[language]);
        const status = (await row.locator('.status [data-nl]').textContent()) ?? '';
        expect(Object.values(requestStatusTexts).map((text) => text[language])).toContain(status);
        expect(await row.locator('.due').textContent()).toMatch(/20\d\d/);
        await snap(page, `${shots}-requests`);

        // Sign out, and back in with a mailed code.
        await page.getByRole('button', { name: say('nav.signOut', language) }).click();
        await page.waitForURL((url) => url.pathname === '/');
        await expect.poll(() => page.locator('#flash').textContent()).toBe(say('common.signedOut', language));
        await page.goto('/my-data.html');
        await page.waitForURL('**/sign-in.html');
        await snap(page, `${shots}-sign-in`);
        await signIn(portal, page, email, language);
        await expect.poll(() => page.locator('#profile-view').textContent()).toContain('Prinsengracht 7-II');

        // No page ever put personal data in its URL.
        expect(visited.filter((url) => url.includes('.html')).length).toBeGreaterThan(8);
        expect(visited.filter((url) => url.includes('/api/')).length).toBeGreaterThan(8);
        for (const url of visited) expect(url).not.toMatch(/@|%40|Prinsengracht|NL91|Keizersgracht/i);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );
});

describe('privacy request without an account', () => {
  it(
    'asks by email, confirms through the mailed link, and the link leaves no code behind',
    { timeout: E2E_TIMEOUT },
    async () => {
      const { context, page } = await portal.newPage();
      const problems = watchForProblems(page, new URL(portal.url).origin);
      try {
        // A licensee exists (signed up in another browser), then asks for an overview without signing in.
        const email = uniqueEmail('by-email');
        await signedUpElsewhere(portal, sampleLicensee(email), 'nl');

        await page.goto('/privacy-request.html');
        expect(await page.locator('#by-email').isVisible()).toBe(true);
        await page.getByLabel(requestTypeTexts.overview.nl).check();
        await page.getByLabel(say('field.email', 'nl'), { exact: true }).fill(email);
        const since = nowSeconds();
        await page.getByRole('button', { name: say('request.submit', 'nl') }).click();
        await expect
          .poll(() => page.locator('#request-result').textContent())
          .toBe(say('request.sentByEmail', 'nl'));
        await snap(page, 'nl-privacy-request-by-email');

        const mail = await portal.mailTo(email, since, /confirm-request\.html#/);
        const link = /(https?:\/\/\S+\/confirm-request\.html#[^\s)]+)/.exec(mail.text ?? '')?.[1];
        expect(link).toBeDefined();
        await page.goto(link ?? '');
        await expect
          .poll(() => page.locator('#request-result').textContent(), { timeout: 10_000 })
          .toContain(say('confirmRequest.done', 'nl'));
        // The one-time code is gone from the address bar.
        expect(new URL(page.url()).hash).toBe('');
        await snap(page, 'nl-confirm-request');

        // A broken link explains itself.
        await page.goto('/');
        await page.goto('/confirm-request.html#nonsense');
        await expect
          .poll(() => page.locator('#confirm-request-error').textContent())
          .toBe(say('confirmRequest.noLink', 'nl'));
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );
});
