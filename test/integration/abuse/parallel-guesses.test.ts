import { describe, expect, it, vi } from 'vitest';
import { policy } from '../../../shared/domain/policy.js';
import { newLicensee, useLocalApi } from '../../support/local-api.js';
import { registerLicensee } from '../../support/licensees.js';

// 50 requests at once against DynamoDB Local take seconds, more on a loaded machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

/**
 * Issue 9, Build 1: every limit guarding a secret is spent by one conditional write before the guess is
 * judged. Attackers send guesses at once, so each test fires 50 wrong guesses in parallel and then the
 * right code: it must be refused, and no answer may be a 5xx.
 */
const api = useLocalApi();

const parallel = 50;

/** `count` six-digit codes, none equal to `right`. */
function wrongCodes(right: string, count = parallel): string[] {
  return Array.from({ length: count }, (_, i) =>
    ((Number(right) + 1 + i * 7919) % 1_000_000).toString().padStart(6, '0'),
  );
}

function expectNoServerErrors(responses: { status: number }[]) {
  expect(responses.filter((response) => response.status >= 500)).toEqual([]);
}

describe('50 parallel wrong guesses never buy more than the attempt limit', () => {
  it('sign-in: the right code is refused afterwards', async () => {
    const { email } = await registerLicensee(api);
    await api.call('POST', '/api/sign-in/code', { body: { email } });
    const code = await api.latestCode(email);
    const guesses = await Promise.all(
      wrongCodes(code).map((guess) => api.call('POST', '/api/sign-in', { body: { email, code: guess } })),
    );
    expectNoServerErrors(guesses);
    expect(new Set(guesses.map((response) => response.status))).toEqual(new Set([400]));
    const right = await api.call('POST', '/api/sign-in', { body: { email, code } });
    expect(right.status).toBe(400);
    expect(right.body.code).toBe('invalid-code');
  });

  it('signup confirmation: the right code is refused afterwards and the licence stays pending', async () => {
    const input = newLicensee();
    const email = String(input.email).toLowerCase();
    expect((await api.call('POST', '/api/licensees', { body: input })).status).toBe(202);
    const code = await api.latestCode(email);
    const guesses = await Promise.all(
      wrongCodes(code).map((guess) =>
        api.call('POST', '/api/licensees/confirm', { body: { email, code: guess } }),
      ),
    );
    expectNoServerErrors(guesses);
    expect(new Set(guesses.map((response) => response.status))).toEqual(new Set([400]));
    const right = await api.call('POST', '/api/licensees/confirm', { body: { email, code } });
    expect(right.status).toBe(400);
  });

  it('email change: the right code is refused afterwards and the address stays', async () => {
    const { email, token } = await registerLicensee(api);
    const newEmail = `nieuw.${Date.now()}@example.nl`;
    const patch = await api.call('PATCH', '/api/me', { token, body: { email: newEmail } });
    expect(patch.status).toBe(200);
    const code = await api.latestCode(newEmail);
    const guesses = await Promise.all(
      wrongCodes(code).map((guess) =>
        api.call('POST', '/api/me/email/confirm', { token, body: { code: guess } }),
      ),
    );
    expectNoServerErrors(guesses);
    expect(new Set(guesses.map((response) => response.status))).toEqual(new Set([400]));
    const right = await api.call('POST', '/api/me/email/confirm', { token, body: { code } });
    expect(right.status).toBe(400);
    expect((await api.call('GET', '/api/me', { token })).body.personalData.email).toBe(email);
  });

  it('privacy-request confirmation: the right code is refused afterwards', async () => {
    const { email, token } = await registerLicensee(api);
    const asked = await api.call('POST', '/api/privacy-requests/by-email', {
      body: { email, type: 'overview' },
    });
    expect(asked.status).toBe(202);
    const mail = (await api.mailsTo(email)).at(-1);
    const [, reference, code] = /#(P-[0-9A-Z]{8})\.(\d{6})/.exec(mail?.text ?? '') ?? [];
    expect(reference).toBeDefined();
    const guesses = await Promise.all(
      wrongCodes(code!).map((guess) =>
        api.call('POST', '/api/privacy-requests/confirm', { body: { reference, code: guess } }),
      ),
    );
    expectNoServerErrors(guesses);
    expect(new Set(guesses.map((response) => response.status))).toEqual(new Set([400]));
    const right = await api.call('POST', '/api/privacy-requests/confirm', { body: { reference, code } });
    expect(right.status).toBe(400);
    const list = await api.call('GET', '/api/me/privacy-requests', { token });
    expect(list.body.requests[0].status).toBe('awaiting-confirmation');
  });

  it('the limit is the policy number: with one attempt left the right code still works', async () => {
    const { email } = await registerLicensee(api);
    await api.call('POST', '/api/sign-in/code', { body: { email } });
    const code = await api.latestCode(email);
    const few = wrongCodes(code, policy.signIn.maxCodeAttempts - 1);
    for (const guess of few)
      expect((await api.call('POST', '/api/sign-in', { body: { email, code: guess } })).status).toBe(400);
    // One attempt is left: the right code still works.
    expect((await api.call('POST', '/api/sign-in', { body: { email, code } })).status).toBe(200);
  });
});

describe('50 parallel writes: no 5xx, consistent data', () => {
  it('50 right sign-in guesses at once open exactly one session', async () => {
    const { email } = await registerLicensee(api);
    await api.call('POST', '/api/sign-in/code', { body: { email } });
    const code = await api.latestCode(email);
    const answers = await Promise.all(
      Array.from({ length: parallel }, () => api.call('POST', '/api/sign-in', { body: { email, code } })),
    );
    expectNoServerErrors(answers);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
  });

  it('50 signups with one address give one licensee and at most the hourly budget of mails', async () => {
    const input = newLicensee();
    const email = String(input.email).toLowerCase();
    const answers = await Promise.all(
      Array.from({ length: parallel }, (_, i) =>
        api.call('POST', '/api/licensees', { body: { ...input, name: `Poging ${i}` } }),
      ),
    );
    expectNoServerErrors(answers);
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([202]));
    const mails = await api.mailsTo(email);
    expect(mails.length).toBeGreaterThanOrEqual(1);
    expect(mails.length).toBeLessThanOrEqual(policy.signup.maxPerAddressPerHour);
    // Every mail names the same (first) signup, and its latest code activates exactly one licence.
    expect(new Set(mails.map((mail) => /aanmelding van (.*), IBAN/.exec(mail.text ?? '')?.[1])).size).toBe(1);
    const confirm = await api.call('POST', '/api/licensees/confirm', {
      body: { email, code: await api.latestCode(email) },
    });
    expect(confirm.status).toBe(200);
  });

  it('50 parallel profile corrections: none fails with a 5xx, the last one written is what is stored', async () => {
    const { token } = await registerLicensee(api);
    const names = Array.from({ length: parallel }, (_, i) => `Naam Variant ${i}`);
    const answers = await Promise.all(
      names.map((name) => api.call('PATCH', '/api/me', { token, body: { name } })),
    );
    expectNoServerErrors(answers);
    for (const answer of answers) expect([200, 409]).toContain(answer.status);
    const stored = (await api.call('GET', '/api/me', { token })).body.personalData.name;
    expect(names).toContain(stored);
  });

  it('50 parallel marketing switches and sign-in code requests answer without a 5xx', async () => {
    const { email, token } = await registerLicensee(api);
    const answers = await Promise.all([
      ...Array.from({ length: parallel }, (_, i) =>
        api.call('PUT', '/api/me/marketing', { token, body: { optOut: i % 2 === 0 } }),
      ),
      ...Array.from({ length: parallel }, () => api.call('POST', '/api/sign-in/code', { body: { email } })),
    ]);
    expectNoServerErrors(answers);
    const codeMails = (await api.mailsTo(email)).filter((mail) => mail.subject.startsWith('Uw inlogcode'));
    expect(codeMails.length).toBeLessThanOrEqual(policy.signIn.maxCodesPerHour);
  });
});

describe('ids in bodies are exactly ULIDs', () => {
  it('an unbounded reviewId is a 400 field error, not a 500', async () => {
    const { token } = await registerLicensee(api);
    const answer = await api.call('POST', '/api/me/budget-reviews/decide', {
      token,
      body: { reviewId: 'X'.repeat(5000), decision: 'decline' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ field: 'reviewId', code: 'invalid-format' }),
    ]);
  });
});
