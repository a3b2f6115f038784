/**
 * Accessibility and form errors in a real browser: axe-core (WCAG 2.0/2.1 A and AA) on every page, signed out
 * and signed in, Dutch and English, with errors showing; the whole signup flow with the keyboard alone; and
 * the field errors the API reports (IBAN, postcode, a BSN) shown next to their fields.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { messages } from '../../shared/domain/problems.js';
import { pages } from '../../web/src/pages.js';
import { requestTypeTexts, type Language } from '../../web/src/texts.js';
import { axeViolations, focused, settled, tabTo, tabToLink, tabUntil } from './support/checks.js';
import { E2E_TIMEOUT, nowSeconds, uniqueEmail } from './support/portal.js';
import {
  askSignInCode,
  fillSignup,
  sampleLicensee,
  say,
  signUpAndConfirm,
  snap,
  usePortal,
  watchForProblems,
} from './support/steps.js';

const portal = usePortal();

const signedOutPages = [
  'index.html',
  'signup.html',
  'confirm.html',
  'sign-in.html',
  'privacy-request.html',
  'confirm-request.html',
  'privacy.html',
  '404.html',
];
const signedInPages = [
  'my-data.html',
  'export.html',
  'marketing.html',
  'requests.html',
  'budget-reviews.html',
  'privacy-request.html',
  'index.html',
];

describe('axe-core on every page', () => {
  it('covers every page the build makes', () => {
    const covered = new Set([...signedOutPages, ...signedInPages]);
    expect(
      Object.values(pages)
        .map((page) => page.file)
        .filter((file) => !covered.has(file)),
    ).toEqual([]);
  });

  // Each page at both widths, in both languages, with a screenshot of each for review (test-output/screenshots/).
  it.each<[Language, boolean]>([
    ['nl', false],
    ['en', false],
    ['nl', true],
    ['en', true],
  ])('finds no WCAG 2.1 AA violation (%s, phone: %s)', { timeout: E2E_TIMEOUT }, async (language, phone) => {
    const { context, page } = await portal.newPage({ language, phone });
    const shot = (name: string) => snap(page, `${language}-${phone ? 375 : 1280}-${name}`);
    const problems = watchForProblems(page, new URL(portal.url).origin);
    const violations: string[] = [];
    try {
      for (const file of signedOutPages) {
        await page.goto(`/${file}`);
        await settled(page, language);
        violations.push(...(await axeViolations(page)));
        await shot(file.replace('.html', ''));
      }
      // Error states: a signup with every field wrong, a sign-in with its code step open.
      await page.goto('/signup.html');
      await settled(page, language);
      await page.getByRole('button', { name: say('signup.submit', language), exact: true }).click();
      await page.locator('#f-name-error').waitFor();
      violations.push(...(await axeViolations(page)));
      await shot('signup-errors');
      await askSignInCode(page, uniqueEmail('axe-nobody'), language);
      await page.locator('#sign-in-form').waitFor();
      violations.push(...(await axeViolations(page)));

      await signUpAndConfirm(portal, page, sampleLicensee(uniqueEmail(`axe-${language}`)), language);
      // A request, so the requests page and the export have a table to check.
      await page.goto('/privacy-request.html');
      await settled(page, language);
      await page.getByLabel(requestTypeTexts.question[language]).check();
      await page.getByRole('button', { name: say('request.submit', language) }).click();
      await page.locator('#request-result dl').waitFor();
      violations.push(...(await axeViolations(page)));
      for (const file of signedInPages) {
        await page.goto(`/${file}`);
        await settled(page, language);
        violations.push(...(await axeViolations(page)));
        await shot(`signed-in-${file.replace('.html', '')}`);
      }
      expect(violations).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('keyboard only', () => {
  it('signs up and confirms with Tab, typing and Enter alone', { timeout: E2E_TIMEOUT }, async () => {
    const { context, page } = await portal.newPage();
    try {
      const licensee = sampleLicensee(uniqueEmail('keyboard'));
      await page.goto('/');
      await settled(page, 'nl');
      await tabToLink(page, '/signup.html');
      await page.keyboard.press('Enter');
      await page.waitForURL('**/signup.html');
      await settled(page, 'nl');
      const typeInto = async (id: string, value: string) => {
        await tabTo(page, id);
        await page.keyboard.type(value);
      };
      await typeInto('f-name', licensee.name);
      await typeInto('f-address-street', licensee.street);
      await typeInto('f-address-houseNumber', licensee.houseNumber);
      await typeInto('f-address-postcode', licensee.postcode);
      await typeInto('f-address-city', licensee.city);
      await typeInto('f-email', licensee.email);
      await typeInto('f-iban', licensee.iban);
      const since = nowSeconds();
      // Enter in a field submits the form, as in any HTML form.
      await page.keyboard.press('Enter');
      await page.waitForURL('**/confirm.html');
      await settled(page, 'nl');
      // The address is filled in and focus waits in the code field.
      expect(await focused(page, 'id')).toBe('f-code');
      await page.keyboard.type(await portal.codeFor(licensee.email, since));
      await page.keyboard.press('Enter');
      await page.waitForURL('**/my-data.html');
      await page.locator('#profile-view dt').first().waitFor();
      expect(await page.locator('#profile-view').textContent()).toContain(licensee.name);

      // "Wijzigen" by keyboard: it opens the one form with focus in its field, Enter saves, and focus
      // returns to the same "Wijzigen" so the next Tab continues where the person was.
      await tabUntil(page, 'data-edit', 'name-form');
      expect(await focused(page, 'aria-expanded')).toBe('false');
      await page.keyboard.press('Enter');
      await page.locator('#name-form').waitFor({ state: 'visible' });
      expect(await focused(page, 'name')).toBe('name');
      expect(await page.locator('#address-form').isHidden()).toBe(true);
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type(`${licensee.name} Keyboard`);
      await page.keyboard.press('Enter');
      await page.locator('#profile-status').getByText(say('common.saved', 'nl')).waitFor();
      expect(await page.locator('#profile-view').textContent()).toContain(`${licensee.name} Keyboard`);
      expect(await page.locator('#name-form').isHidden()).toBe(true);
      expect(await focused(page, 'data-edit')).toBe('name-form');
      expect(await focused(page, 'aria-expanded')).toBe('false');
    } finally {
      await context.close();
    }
  });

  it(
    'reaches the language switch and the skip link with the keyboard',
    { timeout: E2E_TIMEOUT },
    async () => {
      const { context, page } = await portal.newPage();
      try {
        await page.goto('/');
        await settled(page, 'nl');
        await page.keyboard.press('Tab');
        expect(await focused(page, 'href')).toBe('#main');
        await tabTo(page, 'language-switch');
        await page.keyboard.press('Enter');
        await settled(page, 'en');
        expect(await page.locator('h1').textContent()).toBe(say('home.title', 'en'));
      } finally {
        await context.close();
      }
    },
  );
});

describe('field errors next to the fields', () => {
  const errorOf = async (page: Page, id: string) => {
    const input = page.locator(`#${id}`);
    return {
      text: (await page.locator(`#${id}-error`).textContent()) ?? '',
      visible: await page.locator(`#${id}-error`).isVisible(),
      invalid: await input.getAttribute('aria-invalid'),
      describedBy: (await input.getAttribute('aria-describedby')) ?? '',
    };
  };

  it(
    'shows an invalid IBAN and postcode, then a BSN, in the chosen language',
    { timeout: E2E_TIMEOUT },
    async () => {
      const { context, page } = await portal.newPage();
      const problems = watchForProblems(page, new URL(portal.url).origin);
      try {
        await page.goto('/signup.html');
        await settled(page, 'nl');
        await fillSignup(
          page,
          { ...sampleLicensee(uniqueEmail('errors')), iban: 'NL00 ABNA 0417 1643 00', postcode: '12AB' },
          'nl',
        );
        await page.getByRole('button', { name: say('signup.submit', 'nl'), exact: true }).click();
        await page.locator('#f-iban-error').waitFor();

        const iban = await errorOf(page, 'f-iban');
        expect(iban).toEqual({
          text: messages['invalid-iban'].nl,
          visible: true,
          invalid: 'true',
          describedBy: 'f-iban-hint f-iban-error',
        });
        const postcode = await errorOf(page, 'f-address-postcode');
        expect(postcode).toMatchObject({
          text: messages['invalid-postcode'].nl,
          visible: true,
          invalid: 'true',
        });
        expect(postcode.describedBy).toContain('f-address-postcode-error');
        // Only the wrong fields are marked; focus moved to a wrong field; the summary says what happened.
        expect((await errorOf(page, 'f-name')).visible).toBe(false);
        expect(await focused(page, 'aria-invalid')).toBe('true');
        expect(await page.locator('#signup-form-error').textContent()).toBe(messages['invalid-input'].nl);

        // The same errors in English after switching, without sending again.
        await page.getByRole('button', { name: say('site.switchLanguageLabel', 'nl') }).click();
        expect((await errorOf(page, 'f-iban')).text).toBe(messages['invalid-iban'].en);
        expect((await errorOf(page, 'f-address-postcode')).text).toBe(messages['invalid-postcode'].en);
        await snap(page, 'en-signup-field-errors');

        // A valid BSN anywhere is patient data: refused, shown at the field that held it; old errors gone.
        await page.getByLabel(say('field.iban', 'en'), { exact: true }).fill('NL91 ABNA 0417 1643 00');
        await page.getByLabel(say('field.postcode', 'en'), { exact: true }).fill('1015 CJ');
        await page.getByLabel(say('field.name', 'en'), { exact: true }).fill('Praktijk 111 222 333');
        await page.getByRole('button', { name: say('signup.submit', 'en'), exact: true }).click();
        await expect.poll(async () => (await errorOf(page, 'f-name')).text).toBe(messages['patient-data'].en);
        expect((await errorOf(page, 'f-iban')).visible).toBe(false);
        expect(await page.locator('#f-iban').getAttribute('aria-invalid')).toBeNull();
        expect(await page.locator('#f-iban').getAttribute('aria-describedby')).toBe('f-iban-hint');
        await snap(page, 'en-signup-bsn');
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );

  it('shows errors on my-data and the request form too', { timeout: E2E_TIMEOUT }, async () => {
    const { context, page } = await portal.newPage();
    try {
      await signUpAndConfirm(portal, page, sampleLicensee(uniqueEmail('errors-me')), 'nl');
      await page.locator('#profile-view [data-edit="iban-form"]').click();
      const ibanForm = page.locator('#iban-form');
      await ibanForm.getByLabel(say('field.iban', 'nl'), { exact: true }).fill('NL91 ABNA 0417 1643 01');
      await ibanForm.getByRole('button', { name: say('myData.saveIban', 'nl') }).click();
      await expect.poll(async () => (await errorOf(page, 'f-iban')).text).toBe(messages['invalid-iban'].nl);
      expect(await page.locator('#profile-view').textContent()).toContain('NL91 ABNA 0417 1643 00');

      await page.locator('#profile-view [data-edit="address-form"]').click();
      const addressForm = page.locator('#address-form');
      await addressForm.getByLabel(say('field.postcode', 'nl'), { exact: true }).fill('0123 AB');
      await addressForm.getByRole('button', { name: say('myData.saveAddress', 'nl') }).click();
      await expect
        .poll(async () => (await errorOf(page, 'f-address-postcode')).text)
        .toBe(messages['invalid-postcode'].nl);

      await page.goto('/privacy-request.html');
      await settled(page, 'nl');
      await page.getByLabel(say('request.message', 'nl')).fill('Patiënt met BSN 111222333 wil inzage.');
      await page.getByRole('button', { name: say('request.submit', 'nl') }).click();
      await expect
        .poll(async () => (await errorOf(page, 'f-message')).text)
        .toBe(messages['patient-data'].nl);
      await snap(page, 'nl-privacy-request-bsn');
    } finally {
      await context.close();
    }
  });
});
