/**
 * The owner's reserve of sign-in codes in a real browser (issue 9, Build 4): signing in leaves the device cookie
 * in the browser as the sign-in routes set it (HttpOnly, Secure, SameSite=Strict, __Host-), and after a
 * stranger spent the address's codes from elsewhere, that browser still gets a code and signs in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceCookieName } from '../../shared/domain/device-cookie.js';
import { policy } from '../../shared/domain/policy.js';
import { E2E_TIMEOUT, nowSeconds, startPortal, uniqueEmail, type Portal } from './support/portal.js';
import { sampleLicensee, say, signIn, signUpAndConfirm } from './support/steps.js';

let portal: Portal;

beforeAll(async () => {
  portal = await startPortal();
}, E2E_TIMEOUT);

afterAll(async () => {
  await portal?.stop();
});

describe('device cookie', () => {
  it(
    "keeps the owner's browser able to sign in after a stranger spent the address's codes",
    { timeout: E2E_TIMEOUT * 2 },
    async () => {
      const { context, page } = await portal.newPage({ language: 'nl' });
      try {
        const email = uniqueEmail('device');
        await signUpAndConfirm(portal, page, sampleLicensee(email), 'nl');
        await signIn(portal, page, email, 'nl');
        const cookie = (await context.cookies()).find((c) => c.name === deviceCookieName);
        expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
        expect(cookie!.expires * 1000 - Date.now()).toBeGreaterThan(
          (policy.signIn.deviceCookieDays - 1) * 86_400_000,
        );
        // Scripts cannot read it.
        expect(await page.evaluate<string>('document.cookie')).not.toContain(deviceCookieName);

        // A stranger, elsewhere, spends the address's codes for the hour.
        for (let i = 0; i < policy.signIn.maxCodesPerHour + 1; i++) {
          const answer = await fetch(`${portal.url}/api/sign-in/code`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email }),
          });
          expect(answer.status).toBe(202);
        }
        await new Promise((resolve) => setTimeout(resolve, 2_100));

        // The owner, in a new tab of the same browser (no session, the cookie), asks for a code and signs in.
        const tab = await context.newPage();
        await signIn(portal, tab, email, 'nl');
        expect(await tab.evaluate<string | null>("sessionStorage.getItem('zorgsom.session')")).toContain(
          'token',
        );
      } finally {
        await context.close();
      }
    },
  );

  it(
    'a browser without the cookie gets no code once the codes are spent (same message on the page)',
    { timeout: E2E_TIMEOUT * 2 },
    async () => {
      const email = uniqueEmail('nocookie');
      const owner = await portal.newPage({ language: 'nl' });
      try {
        await signUpAndConfirm(portal, owner.page, sampleLicensee(email), 'nl');
      } finally {
        await owner.context.close();
      }
      for (let i = 0; i < policy.signIn.maxCodesPerHour + 1; i++) {
        await fetch(`${portal.url}/api/sign-in/code`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email }),
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      const since = nowSeconds();
      const { context, page } = await portal.newPage({ language: 'nl' });
      try {
        await page.goto('/sign-in.html');
        await page.getByLabel(say('field.email', 'nl'), { exact: true }).fill(email);
        await page.getByRole('button', { name: say('signIn.sendCode', 'nl'), exact: true }).click();
        // The page says what it says to anyone (the code form opens); no mail comes.
        await page.getByLabel(say('field.code', 'nl'), { exact: true }).waitFor();
        await expect(portal.mailTo(email, since, /\b[0-9]{6}\b/)).rejects.toThrow(/No mail/);
      } finally {
        await context.close();
      }
    },
  );
});
