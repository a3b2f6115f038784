/**
 * The privacy statement in the portal (both languages, desktop and phone), the Dutch 404 page for unknown
 * URLs, the favicon, and the overview as a PDF letter: downloaded from "Mijn gegevens", parsed back, holding
 * the licensee's data, with a file name that holds none.
 */
import { readFile } from 'node:fs/promises';
import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { policy } from '../../shared/domain/policy.js';
import { statementSections, statementTitle } from '../../web/src/statement.js';
import { texts, type Language } from '../../web/src/texts.js';
import { axeViolations, settled } from './support/checks.js';
import { E2E_TIMEOUT, uniqueEmail } from './support/portal.js';
import { sampleLicensee, say, signUpAndConfirm, snap, usePortal, watchForProblems } from './support/steps.js';

const portal = usePortal();

describe.each<[Language, boolean]>([
  ['nl', false],
  ['en', true],
])('statement, 404 and favicon (%s, phone: %s)', (language, phone) => {
  it(
    'shows the five sections, version and date, linked from every page',
    { timeout: E2E_TIMEOUT },
    async () => {
      const { context, page } = await portal.newPage({ language, phone });
      const problems = watchForProblems(page, new URL(portal.url).origin);
      try {
        await page.goto('/');
        await settled(page, language);
        await page.locator('footer a[href="/privacy.html"]').click();
        await page.waitForURL('**/privacy.html');
        await settled(page, language);
        expect(await page.locator('h1').textContent()).toBe(statementTitle[language]);
        expect(await page.locator('main section h2').allTextContents()).toEqual(
          statementSections.map((section) => section.title[language]),
        );
        expect(await page.locator('#statement-version').textContent()).toContain(policy.statement.version);
        expect(await page.locator('main').textContent()).toContain(policy.statement.law[language]);
        expect(await axeViolations(page)).toEqual([]);
        await snap(page, `${language}-${phone ? 375 : 1280}-privacy`);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );

  it(
    'answers an unknown URL with the Dutch 404 page, and has a favicon',
    { timeout: E2E_TIMEOUT },
    async () => {
      const { context, page } = await portal.newPage({ language, phone });
      try {
        const response = await page.goto('/bestaat-niet');
        expect(response?.status()).toBe(404);
        expect(response?.headers()['content-type']).toContain('text/html');
        await settled(page, language);
        expect(await page.locator('h1').textContent()).toBe(texts['notFound.title'][language]);
        expect(await axeViolations(page)).toEqual([]);
        await snap(page, `${language}-${phone ? 375 : 1280}-404`);
        const icon = await page.request.get('/favicon.svg');
        expect(icon.status()).toBe(200);
        expect(icon.headers()['content-type']).toBe('image/svg+xml');
        // The API keeps answering problem+json, not the page.
        const api = await page.request.get('/api/nope');
        expect(api.headers()['content-type']).toContain('application/problem+json');
      } finally {
        await context.close();
      }
    },
  );
});

describe.each<Language>(['nl', 'en'])('the overview as a PDF letter (%s)', (language) => {
  it('downloads from Mijn gegevens and holds the licensee’s data', { timeout: E2E_TIMEOUT }, async () => {
    const { context, page } = await portal.newPage({ language });
    try {
      const licensee = sampleLicensee(uniqueEmail(`pdf-${language}`));
      await signUpAndConfirm(portal, page, licensee, language);
      const downloading = page.waitForEvent('download');
      await page.getByRole('button', { name: say('myData.exportPdf', language) }).click();
      const download = await downloading;
      expect(download.suggestedFilename()).toBe(
        language === 'nl' ? 'zorgsom-overzicht.pdf' : 'zorgsom-overview.pdf',
      );
      const bytes = new Uint8Array(await readFile((await download.path()) ?? ''));
      const { text } = await extractText(await getDocumentProxy(bytes), { mergePages: true });
      const flat = text.replace(/\s+/g, ' ');
      for (const value of [
        licensee.name,
        licensee.email,
        'NL91 ABNA 0417 1643 00',
        '1015 CJ Amsterdam',
        'Keizersgracht 123',
      ]) {
        expect(flat).toContain(value);
      }
      expect(flat).toContain(language === 'nl' ? 'Zolang uw licentie loopt' : 'as long as your licence runs');
    } finally {
      await context.close();
    }
  });
});
