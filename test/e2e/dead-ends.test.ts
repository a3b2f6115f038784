/**
 * No dead ends, in a real browser: a lost signup code is resent and its mailed link confirms (code in the
 * fragment, gone from the address bar); a pending address that signs in gets a fresh confirmation code that
 * works there; a welcome after activation; old errors go on success; ending the licence only after a step
 * that says what follows, and the PDF then holds the destruction date; an expiring session warns and keeps
 * what was typed across a new sign-in; on a phone the menu folds and requests are cards.
 */
import { readFile } from 'node:fs/promises';
import { extractText, getDocumentProxy } from 'unpdf';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { requestTypeTexts, formatDate, type Language } from '../../web/src/texts.js';
import { axeViolations, settled } from './support/checks.js';
import { E2E_TIMEOUT, nowSeconds, uniqueEmail } from './support/portal.js';
import {
  askSignInCode,
  enterCode,
  sampleLicensee,
  say,
  signIn,
  signUpAndConfirm,
  snap,
  submitSignup,
  usePortal,
} from './support/steps.js';

const portal = usePortal();

const sessionOf = async (page: Page) =>
  JSON.parse((await page.evaluate<string | null>(`sessionStorage.getItem('zorgsom.session')`)) ?? '{}') as {
    token: string;
    expiresAt: string;
  };

describe.each<[Language, boolean]>([
  ['nl', false],
  ['en', true],
])('no dead ends (%s, phone: %s)', (language, phone) => {
  const width = phone ? 375 : 1280;

  it(
    'resends a lost signup code; the mailed link confirms and a welcome follows',
    { timeout: E2E_TIMEOUT },
    async () => {
      const { context, page } = await portal.newPage({ language, phone });
      try {
        const email = uniqueEmail(`resend-${language}`);
        await submitSignup(page, sampleLicensee(email), language);
        await settled(page, language);
        const since = nowSeconds();
        await page.getByRole('button', { name: say('resend.submit', language) }).click();
        await expect
          .poll(() => page.locator('#confirm-resend-form-success').textContent())
          .toBe(say('resend.sent', language));
        await snap(page, `${language}-${width}-confirm-resend`);
        const mail = await portal.mailTo(email, since, /confirm\.html#code=/);
        const link = /(https?:\/\/\S+\/confirm\.html#code=[0-9]{6})/.exec(mail.text ?? '')?.[1] ?? '';
        expect(link).not.toBe('');

        // The link opened elsewhere (another browser, no stored address): the code is filled in, the URL clean.
        const other = await portal.newPage({ language, phone });
        try {
          await other.page.goto(new URL(link).pathname + new URL(link).hash);
          await settled(other.page, language);
          expect(other.page.url()).not.toContain('#');
          expect(await other.page.locator('#f-code').inputValue()).toMatch(/^[0-9]{6}$/);
          await other.page.getByLabel(say('field.email', language), { exact: true }).fill(email);
          await other.page
            .getByRole('button', { name: say('confirm.submit', language), exact: true })
            .click();
          await other.page.waitForURL('**/my-data.html');
          await expect
            .poll(() => other.page.locator('#flash').textContent())
            .toBe(say('confirm.welcome', language));
          expect(await axeViolations(other.page)).toEqual([]);
          await snap(other.page, `${language}-${width}-welcome`);
        } finally {
          await other.context.close();
        }
      } finally {
        await context.close();
      }
    },
  );

  it(
    'gives a pending address that signs in a fresh confirmation code that works there',
    { timeout: E2E_TIMEOUT },
    async () => {
      const { context, page } = await portal.newPage({ language, phone });
      try {
        const email = uniqueEmail(`pending-${language}`);
        await submitSignup(page, sampleLicensee(email), language);
        // Mails are read by the second: let the signup's own mail fall before this step.
        await page.waitForTimeout(2100);
        const since = await askSignInCode(page, email, language);
        const mail = await portal.mailTo(email, since, /confirm\.html#code=/);
        // In the language the signup chose (the portal's at the time).
        expect(mail.subject).toBe(language === 'en' ? 'Confirm your registration' : 'Bevestig uw aanmelding');
        const code = /\b([0-9]{6})\b/.exec(mail.text ?? '')?.[1] ?? '';
        await enterCode(page, code, language, 'signIn.submit');
        await expect.poll(() => page.locator('#profile-view').textContent()).toContain('Annelies de Vries');
      } finally {
        await context.close();
      }
    },
  );

  it(
    'clears old errors on success, ends the licence only after its consequences, and the PDF holds the date',
    { timeout: E2E_TIMEOUT },
    async () => {
      const { context, page } = await portal.newPage({ language, phone });
      try {
        const licensee = sampleLicensee(uniqueEmail(`end-${language}`));
        await signUpAndConfirm(portal, page, licensee, language);
        await page.locator('#profile-view [data-edit="iban-form"]').click();
        const iban = page.getByLabel(say('field.iban', language), { exact: true });
        await iban.fill('NL91 ABNA 0417 1643 01');
        await page.getByRole('button', { name: say('myData.saveIban', language) }).click();
        await page.locator('#f-iban-error').waitFor();
        await iban.fill('NL20 INGB 0001 2345 67');
        await page.getByRole('button', { name: say('myData.saveIban', language) }).click();
        await expect
          .poll(() => page.locator('#profile-status').textContent())
          .toBe(say('common.saved', language));
        expect(await page.locator('#f-iban-error').isHidden()).toBe(true);
        expect(await page.locator('#f-iban').getAttribute('aria-invalid')).toBeNull();

        // Ending the licence: a step that says what follows, and a way back.
        await page.locator('#profile-view [data-edit="licence-end-form"]').click();
        const step = page.locator('#licence-end-form');
        expect(await step.textContent()).toContain(say('licenceEnd.consequences', language));
        expect(await axeViolations(page)).toEqual([]);
        await snap(page, `${language}-${width}-licence-end-confirm`);
        await page.getByRole('button', { name: say('licenceEnd.keep', language) }).click();
        expect(await step.isHidden()).toBe(true);
        await page.locator('#profile-view [data-edit="licence-end-form"]').click();
        await page.getByRole('button', { name: say('licenceEnd.confirm', language) }).click();
        await expect
          .poll(() => page.locator('#profile-status').textContent())
          .toBe(say('licenceEnd.done', language));

        const { token } = await sessionOf(page);
        const exported = (await (
          await page.request.get('/api/me/export', { headers: { authorization: `Bearer ${token}` } })
        ).json()) as { retention: { destroyedBy: string } };
        const destroyedOn = formatDate(exported.retention.destroyedBy, language);
        await expect.poll(() => page.locator('#profile-view').textContent()).toContain(destroyedOn);

        const downloading = page.waitForEvent('download');
        await page.getByRole('button', { name: say('myData.exportPdf', language) }).click();
        const download = await downloading;
        expect(download.suggestedFilename()).not.toMatch(/annelies|vries|@/i);
        const bytes = new Uint8Array(await readFile((await download.path()) ?? ''));
        const { text } = await extractText(await getDocumentProxy(bytes), { mergePages: true });
        const flat = text.replace(/\s+/g, ' ');
        expect(flat).toContain(destroyedOn);
        expect(flat).toContain(licensee.name);
        expect(flat).toContain('NL20 INGB 0001 2345 67');
      } finally {
        await context.close();
      }
    },
  );

  it(
    'warns before the session ends and keeps what was typed across a new sign-in',
    { timeout: E2E_TIMEOUT },
    async () => {
      const { context, page } = await portal.newPage({ language, phone });
      try {
        const licensee = sampleLicensee(uniqueEmail(`expiry-${language}`));
        await signUpAndConfirm(portal, page, licensee, language);
        const session = await sessionOf(page);
        // One minute left: the warning shows at once.
        const soon = JSON.stringify({ ...session, expiresAt: new Date(Date.now() + 60_000).toISOString() });
        await page.evaluate(`sessionStorage.setItem('zorgsom.session', ${JSON.stringify(soon)})`);
        await page.reload();
        await expect
          .poll(() => page.locator('#flash').textContent())
          .toBe(say('common.sessionEnding', language));

        // The server no longer knows the session: typed data survives the new sign-in.
        await page.request.post('/api/sign-out', { headers: { authorization: `Bearer ${session.token}` } });
        await page.locator('#profile-view [data-edit="name-form"]').click();
        await page.getByLabel(say('field.name', language), { exact: true }).fill('Annelies de Vries-Bakker');
        await page.getByRole('button', { name: say('myData.saveName', language) }).click();
        await page.waitForURL('**/sign-in.html');
        await signIn(portal, page, licensee.email, language);
        await expect
          .poll(() => page.locator('#flash').textContent())
          .toBe(say('common.draftRestored', language));
        expect(await page.locator('#name-form').isVisible()).toBe(true);
        expect(await page.getByLabel(say('field.name', language), { exact: true }).inputValue()).toBe(
          'Annelies de Vries-Bakker',
        );
        await page.getByRole('button', { name: say('myData.saveName', language) }).click();
        await expect
          .poll(() => page.locator('#profile-view').textContent())
          .toContain('Annelies de Vries-Bakker');
      } finally {
        await context.close();
      }
    },
  );
});

describe('on a phone (375 px)', () => {
  it(
    'folds the menu behind one button with 44 px targets, and shows requests as cards',
    { timeout: E2E_TIMEOUT },
    async () => {
      const { context, page } = await portal.newPage({ phone: true });
      try {
        await signUpAndConfirm(portal, page, sampleLicensee(uniqueEmail('phone')), 'nl');
        await page.goto('/privacy-request.html');
        await settled(page, 'nl');
        const toggle = page.locator('#menu-toggle');
        expect(await toggle.isVisible()).toBe(true);
        expect(await page.locator('#site-nav').isVisible()).toBe(false);
        await toggle.click();
        expect(await toggle.getAttribute('aria-expanded')).toBe('true');
        for (const link of await page.locator('#site-nav a:visible, #site-nav button:visible').all()) {
          expect((await link.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44);
        }
        await snap(page, 'nl-375-menu-open');
        await toggle.click();
        await page.getByLabel(requestTypeTexts.question.nl).check();
        await page.getByRole('button', { name: say('request.submit', 'nl') }).click();
        await page.locator('#request-result dl').waitFor();
        await page.goto('/requests.html');
        await settled(page, 'nl');
        const card = page.locator('tr[data-reference]').first();
        expect((await card.boundingBox())?.width ?? 999).toBeLessThanOrEqual(375);
        expect(await page.locator('.cell-label').first().isVisible()).toBe(true);
        expect(await axeViolations(page)).toEqual([]);
        await snap(page, 'nl-375-requests-cards');
      } finally {
        await context.close();
      }
    },
  );

  it('keeps the menu open on a desktop', { timeout: E2E_TIMEOUT }, async () => {
    const { context, page } = await portal.newPage();
    try {
      await page.goto('/');
      await settled(page, 'nl');
      expect(await page.locator('#menu-toggle').isVisible()).toBe(false);
      expect(await page.locator('#site-nav').isVisible()).toBe(true);
    } finally {
      await context.close();
    }
  });
});
