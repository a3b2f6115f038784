/**
 * The language of a licensee's mails, in a real browser (Debian's Chromium): whoever signs up with the portal
 * switched to English gets the confirmation mail in English only; the preference shows on Mijn gegevens, is
 * changed there, and the very next mail (the notice of a corrected name) follows it, while the portal itself
 * stays in the language the visitor reads it in.
 */
import { describe, expect, it } from 'vitest';
import { E2E_TIMEOUT, nowSeconds, uniqueEmail } from './support/portal.js';
import { sampleLicensee, say, signUpAndConfirm, usePortal, watchForProblems } from './support/steps.js';

const portal = usePortal();

const dutchWords = /\b(?:uw|wij|een|het|niet|bevestigingscode)\b/i;
const englishWords = /\b(?:your|the|you|we|confirmation)\b/i;
/** A mail's own words: no URLs, no footer (the layout adds one in the mail's first language). */
const wordsOf = (text = '') => text.split('\n-- \n')[0]!.replace(/https?:\/\/\S+/g, ' ');

describe('the language of the mails', () => {
  it(
    'follows the portal at signup (English only) and the preference changed on Mijn gegevens',
    { timeout: E2E_TIMEOUT },
    async () => {
      const { context, page } = await portal.newPage();
      const problems = watchForProblems(page, new URL(portal.url).origin);
      try {
        await page.goto('/');
        await page.getByRole('button', { name: say('site.switchLanguageLabel', 'nl') }).click();
        expect(await page.locator('html').getAttribute('lang')).toBe('en');

        const email = uniqueEmail('mail-language');
        const licensee = sampleLicensee(email);
        const signedUp = nowSeconds();
        await page.goto('/signup.html');
        // The page says which language its mails will be in.
        expect(await page.locator('#signup-language-hint').textContent()).toBe(
          say('signup.languageHint', 'en'),
        );
        await signUpAndConfirm(portal, page, licensee, 'en');

        const confirmation = await portal.mailTo(email, signedUp, /confirmation code/);
        expect(confirmation.subject).toBe('Confirm your registration');
        expect(wordsOf(confirmation.text)).toMatch(englishWords);
        expect(wordsOf(confirmation.text)).not.toMatch(dutchWords);
        expect(confirmation.html).toContain('<html lang="en">');
        expect(confirmation.html).not.toContain('lang="nl"');

        // Mijn gegevens shows the preference and changes it; the portal itself stays English.
        const facts = page.locator('#profile-view');
        await expect.poll(() => facts.textContent()).toContain(say('myData.mailLanguageEn', 'en'));
        await page.locator('#profile-view [data-edit="language-form"]').click();
        const languageForm = page.locator('#language-form');
        expect(await languageForm.isVisible()).toBe(true);
        expect(await page.getByLabel(say('myData.mailLanguageEn', 'en'), { exact: true }).isChecked()).toBe(
          true,
        );
        await page.getByLabel(say('myData.mailLanguageNl', 'en'), { exact: true }).check();
        await languageForm.getByRole('button', { name: say('myData.saveLanguage', 'en') }).click();
        await expect
          .poll(() => page.locator('#profile-status').textContent())
          .toBe(say('common.saved', 'en'));
        await expect.poll(() => facts.textContent()).toContain(say('myData.mailLanguageNl', 'en'));
        expect(await page.locator('html').getAttribute('lang')).toBe('en');
        await page.reload();
        await expect.poll(() => facts.textContent()).toContain(say('myData.mailLanguageNl', 'en'));

        // The next notice (a corrected name, told to the address on record) is in Dutch only.
        const corrected = nowSeconds();
        await page.locator('#profile-view [data-edit="name-form"]').click();
        await page
          .locator('#name-form')
          .getByLabel(say('field.name', 'en'), { exact: true })
          .fill(`${licensee.name} jr.`);
        await page
          .locator('#name-form')
          .getByRole('button', { name: say('myData.saveName', 'en') })
          .click();
        await expect
          .poll(() => page.locator('#profile-status').textContent())
          .toBe(say('common.saved', 'en'));
        const notice = await portal.mailTo(email, corrected, /gewijzigd/);
        expect(notice.subject).toBe('Uw gegevens zijn gewijzigd');
        expect(wordsOf(notice.text)).toMatch(dutchWords);
        expect(wordsOf(notice.text)).not.toMatch(englishWords);
        expect(notice.html).toContain('<html lang="nl">');

        // The overview (export page) lists the preference too.
        await page.goto('/export.html');
        await expect
          .poll(() => page.locator('#export-view').textContent())
          .toContain(say('myData.mailLanguageNl', 'en'));
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );
});
