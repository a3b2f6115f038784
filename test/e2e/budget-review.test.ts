/**
 * Statement §4 in a real browser (Debian's Chromium), Dutch and English: staff ask a licensee for patient data
 * to check a budget; the licensee sees why, and decides. Sharing needs the consent box ticked and a file of an
 * accepted type and size (checked before anything travels); the shared file goes from the browser straight to
 * (local) S3 on a presigned PUT, under the same header CSP and bucket CORS rule as in AWS, and reaches ZorgSom
 * intact. Declining shares nothing. axe on the page with its forms and errors; the decision controls reachable with Tab.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { policy } from '../../shared/domain/policy.js';
import { messages } from '../../shared/domain/problems.js';
import { budgetReviewStatusTexts, fieldId, type Language } from '../../web/src/texts.js';
import { axeViolations, focused, settled, tabTo } from './support/checks.js';
import { E2E_TIMEOUT, nowSeconds, uniqueEmail } from './support/portal.js';
import { sampleLicensee, say, signUpAndConfirm, snap, usePortal, watchForProblems } from './support/steps.js';
import { signInToStack } from '../support/local-api.js';

const portal = usePortal();

interface ReviewView {
  reviewId: string;
  status: string;
}

/** The signed-in tab's session token (sessionStorage), for the API calls a test makes beside the page. */
async function sessionToken(page: Page): Promise<string> {
  const raw = await page.evaluate<string | null>(`sessionStorage.getItem('zorgsom.session')`);
  return (JSON.parse(raw ?? '{}') as { token: string }).token;
}

async function call<T>(path: string, bearer: string, body?: unknown): Promise<{ status: number; data: T }> {
  const response = await fetch(`${portal.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, data: (await response.json()) as T };
}

/** Staff's route (as `npm run admin -- budget-review request` uses it), with a handler's access token. */
async function staffRequestsReview(licenseeId: string, reason: string): Promise<string> {
  const result = await call<ReviewView>('/api/admin/budget-reviews/request', await staffCredential(), {
    licenseeId,
    reason,
  });
  expect(result.status).toBe(200);
  expect(result.data.status).toBe('requested');
  return result.data.reviewId;
}

let handlerToken: Promise<string> | undefined;
/** A handler's access token, signed in through the local staff-idp (password and TOTP) once per file. */
function staffCredential(): Promise<string> {
  handlerToken ??= signInToStack(portal.url, portal.stack.staffUsers ?? [], 'handler');
  return handlerToken;
}

describe.each<Language>(['nl', 'en'])('budget check in the browser (%s)', (language) => {
  it(
    'shows why ZorgSom asks, refuses to share without consent, shares a file, declines another',
    { timeout: E2E_TIMEOUT },
    async () => {
      const { context, page } = await portal.newPage({ language });
      const s3Origin = new URL(portal.stack.endpoints.s3).origin;
      const problems = watchForProblems(page, new URL(portal.url).origin, [s3Origin]);
      const decisions: string[] = [];
      const uploads: { method: string; url: string; headers: Record<string, string>; bytes: number }[] = [];
      page.on('request', (request) => {
        if (request.url().endsWith('/api/me/budget-reviews/decide')) decisions.push(request.postData() ?? '');
        if (request.url().startsWith(`${s3Origin}/`) && request.method() !== 'OPTIONS')
          uploads.push({
            method: request.method(),
            url: request.url(),
            headers: request.headers(),
            bytes: request.postDataBuffer()?.length ?? 0,
          });
      });
      const violations: string[] = [];
      try {
        const email = uniqueEmail(`budget-${language}`);
        await signUpAndConfirm(portal, page, sampleLicensee(email), language);
        const token = await sessionToken(page);
        const { licenseeId } = (await call<{ licenseeId: string }>('/api/me', token)).data;

        // Staff ask twice; the mail says there is a request, never what it is about.
        const since = nowSeconds();
        const shareId = await staffRequestsReview(licenseeId, 'Begroting 2026: controle van de behandeluren');
        const declineId = await staffRequestsReview(licenseeId, 'Begroting 2026: controle van de reiskosten');
        const mail = await portal.mailTo(email, since, /portaal|portal/);
        expect(mail.text).not.toContain('behandeluren');

        // The page, from the signed-in navigation.
        await page.getByRole('link', { name: say('nav.budgetReviews', language), exact: true }).click();
        await page.waitForURL('**/budget-reviews.html');
        await settled(page, language);
        expect(await page.locator('h1').textContent()).toBe(say('budget.title', language));
        expect(await page.locator('#budget-intro').textContent()).toContain(
          String(policy.budgetReview.destroyUploadAfterDays),
        );
        const review = page.locator(`section[data-review-id="${shareId}"]`);
        const other = page.locator(`section[data-review-id="${declineId}"]`);
        expect(await review.locator('.reason').textContent()).toBe(
          'Begroting 2026: controle van de behandeluren',
        );
        expect(await review.locator('.status').textContent()).toBe(
          budgetReviewStatusTexts.requested[language],
        );
        expect(await review.locator('.answer-by').textContent()).toMatch(/20\d\d/);
        expect(await other.locator('form').count()).toBe(1);
        violations.push(...(await axeViolations(page)));

        // Keyboard: the consent box and both buttons are reachable with Tab; Enter on "share" without consent
        // and without a file shows both errors at their fields and nothing is sent.
        const consentId = fieldId(`${shareId}.patientConsent`);
        const uploadId = fieldId(`${shareId}.upload`);
        const formId = `review-${shareId}-form`;
        await page.locator('#main').focus();
        await tabTo(page, consentId);
        await tabTo(page, `${formId}-accept`);
        await tabTo(page, `${formId}-decline`);
        await page.locator('#main').focus();
        await tabTo(page, `${formId}-accept`);
        await page.keyboard.press('Enter');
        const consentError = page.locator(`#${consentId}-error`);
        await consentError.waitFor();
        expect(await consentError.textContent()).toBe(messages['consent-required'][language]);
        expect(await page.locator(`#${consentId}`).getAttribute('aria-invalid')).toBe('true');
        expect(await page.locator(`#${consentId}`).getAttribute('aria-describedby')).toContain(
          `${consentId}-error`,
        );
        expect(await focused(page, 'id')).toBe(consentId);
        expect(await page.locator(`#${uploadId}-error`).textContent()).toBe(
          say('budget.fileRequired', language),
        );
        expect(await page.locator(`#${formId}-error`).textContent()).toBe(
          messages['invalid-input'][language],
        );
        // The other review's form is untouched.
        expect(await other.locator('.field-error:visible').count()).toBe(0);
        violations.push(...(await axeViolations(page)));
        await snap(page, `${language}-budget-review-errors`);

        // A file above the limit is refused in the browser, before it travels.
        await page.locator(`#${consentId}`).check();
        await page.locator(`#${uploadId}`).setInputFiles({
          name: 'te-groot.csv',
          mimeType: 'text/csv',
          buffer: Buffer.alloc(policy.budgetReview.maxUploadBytes + 1, 'a'),
        });
        await page.locator(`#${formId}-accept`).click();
        await expect
          .poll(() => page.locator(`#${uploadId}-error`).textContent())
          .toBe(say('budget.fileTooLarge', language));
        expect(await page.locator(`#${consentId}-error`).isHidden()).toBe(true);
        expect(decisions).toEqual([]);

        // Consent ticked, a small CSV: shared.
        const csv = 'behandeling;uren\nfysiotherapie;12\n';
        await page.locator(`#${uploadId}`).setInputFiles({
          name: 'begroting.csv',
          mimeType: 'text/csv',
          buffer: Buffer.from(csv),
        });
        await page.locator(`#${formId}-accept`).click();
        await expect
          .poll(() => page.locator('#budget-reviews-success').textContent())
          .toBe(say('budget.shared', language));
        expect(await review.locator('.status').textContent()).toBe(
          budgetReviewStatusTexts.accepted[language],
        );
        expect(await review.locator('form').count()).toBe(0);
        expect(await review.textContent()).toContain(say('budget.consentAttestedAt', language));
        // The file went to S3 on the presigned URL (cross-origin, allowed by the CSP's connect-src and the
        // bucket's CORS rule), with the SSE-KMS and checksum headers it was signed for; the decision carries
        // no file.
        expect(uploads).toHaveLength(1);
        expect(uploads[0]).toMatchObject({
          method: 'PUT',
          bytes: Buffer.byteLength(csv),
          headers: expect.objectContaining({
            'content-type': 'text/csv',
            'x-amz-server-side-encryption': 'aws:kms',
            'x-amz-checksum-sha256': expect.any(String),
          }),
        });
        expect(new URL(uploads[0]!.url).pathname).toContain(`/budget-reviews/${licenseeId}/${shareId}`);
        expect(decisions).toHaveLength(1);
        expect(JSON.parse(decisions[0] ?? '{}')).toEqual({
          reviewId: shareId,
          decision: 'accept',
          patientConsent: true,
        });
        // ZorgSom received exactly the file (staff's audited read: a short-lived download URL).
        const read = await call<{ url: string; contentType: string; bytes: number }>(
          '/api/admin/budget-reviews/read',
          await staffCredential(),
          { licenseeId, reviewId: shareId },
        );
        expect(read.status).toBe(200);
        expect(read.data).toMatchObject({ contentType: 'text/csv', bytes: Buffer.byteLength(csv) });
        expect(await (await fetch(read.data.url)).text()).toBe(csv);

        // The second: declined, nothing sent but the decision.
        await other.getByRole('button', { name: say('budget.decline', language) }).click();
        await expect
          .poll(() => page.locator('#budget-reviews-success').textContent())
          .toBe(say('budget.declined', language));
        expect(await other.locator('.status').textContent()).toBe(budgetReviewStatusTexts.declined[language]);
        expect(JSON.parse(decisions[1] ?? '{}')).toEqual({ reviewId: declineId, decision: 'decline' });
        expect(uploads).toHaveLength(1);
        expect(await page.locator('form[data-review-id]').count()).toBe(0);
        violations.push(...(await axeViolations(page)));
        await snap(page, `${language}-budget-reviews`);

        // A decision is final: the API refuses a second one.
        const again = await call<{ code: string }>('/api/me/budget-reviews/decide', token, {
          reviewId: declineId,
          decision: 'decline',
        });
        expect(again).toMatchObject({ status: 409, data: { code: 'review-closed' } });

        // After a reload the page shows the same.
        await page.reload();
        await settled(page, language);
        expect(await review.locator('.status').textContent()).toBe(
          budgetReviewStatusTexts.accepted[language],
        );
        expect(violations).toEqual([]);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );
});
