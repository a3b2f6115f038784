/**
 * The owner's reserve of sign-in codes in a real browser (issue 9, Build 4): signing in leaves the device cookie
 * in the browser as the sign-in routes set it (HttpOnly, Secure, SameSite=Strict, __Host-), and after a
 * stranger spent the address's codes from elsewhere, that browser still gets a code and signs in.
 */
import { describe, expect, it } from 'vitest';
import { deviceCookieName } from '../../shared/domain/device-cookie.js';
import { policy } from '../../shared/domain/policy.js';
import { E2E_TIMEOUT, uniqueEmail } from './support/portal.js';
import {
  askSignInCode,
  sampleLicensee,
  say,
  signedUpElsewhere,
  signIn,
  signUpAndConfirm,
  usePortal,
} from './support/steps.js';

const portal = usePortal();

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
      await signedUpElsewhere(portal, sampleLicensee(email), 'nl');
      for (let i = 0; i < policy.signIn.maxCodesPerHour + 1; i++) {
        await fetch(`${portal.url}/api/sign-in/code`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email }),
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      const { context, page } = await portal.newPage({ language: 'nl' });
      try {
        const since = await askSignInCode(page, email, 'nl');
        // The page says what it says to anyone (the code form opens); no mail comes.
        await page.getByLabel(say('field.code', 'nl'), { exact: true }).waitFor();
        await expect(portal.mailTo(email, since, /\b[0-9]{6}\b/)).rejects.toThrow(/No mail/);
      } finally {
        await context.close();
      }
    },
  );
});
