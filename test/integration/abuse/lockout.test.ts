import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { createKmsBlindIndex } from '../../../shared/adapters/kms-blind-index.js';
import { outboxKeys } from '../../../shared/adapters/outbox-store.js';
import { loadConfig } from '../../../shared/config.js';
import { normaliseEmail } from '../../../shared/domain/licensee.js';
import { budgetDayOf, sendingLimits } from '../../../shared/domain/sending-policy.js';
import { createAwsClients } from '../../../shared/wiring/base.js';
import { codeRateWindowMinutes } from '../../../shared/domain/one-time-code.js';
import { policy } from '../../../shared/domain/policy.js';
import { useLocalApi } from '../../support/local-api.js';
import { registerLicensee } from '../../support/licensees.js';

// 50 requests at once against DynamoDB Local take seconds, more on a loaded machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

/**
 * Issue 9, Build 4 "budgets, not lockouts": a stranger who knows a licensee's address can spend its hourly
 * code budget and every guess at the latest code, yet the owner still signs in, through the link in the
 * latest sign-in mail (single use, replaced by the next code's, no attempt counter).
 */
const api = useLocalApi();

const linkIn = (text: string | undefined) => /sign-in\.html#link=([0-9A-Za-z._-]+)/.exec(text ?? '')?.[1];
const signInMails = async (email: string) =>
  (await api.mailsTo(email)).filter((mail) => mail.subject.startsWith('Uw inlogcode'));

describe('an attacker cannot lock the owner out of sign-in', () => {
  it('the link outlasts the code window, so a spent budget always leaves a working link', () => {
    expect(policy.signIn.linkValidMinutes).toBeGreaterThanOrEqual(codeRateWindowMinutes);
  });

  it('codes asked for and guessed at by a stranger: the latest mail’s link still signs the owner in, once', async () => {
    const { email } = await registerLicensee(api);
    // The stranger spends the whole hourly budget, and asks again.
    for (let request = 0; request < policy.signIn.maxCodesPerHour + 3; request++) {
      expect((await api.call('POST', '/api/sign-in/code', { body: { email } })).status).toBe(202);
    }
    const mails = await signInMails(email);
    expect(mails).toHaveLength(policy.signIn.maxCodesPerHour);
    // ...and every guess at the latest code.
    for (let guess = 0; guess < policy.signIn.maxCodeAttempts + 2; guess++) {
      const wrong = await api.call('POST', '/api/sign-in', { body: { email, code: '000000' } });
      expect(wrong.status).toBe(400);
    }
    const code = await api.latestCode(email);
    expect((await api.call('POST', '/api/sign-in', { body: { email, code } })).status).toBe(400);

    // An older mail's link was replaced by the newer code; the latest one works.
    const older = linkIn(mails.at(-2)?.text);
    const latest = linkIn(mails.at(-1)?.text);
    expect(older).toBeDefined();
    expect(latest).toBeDefined();
    expect((await api.call('POST', '/api/sign-in/link', { body: { token: older } })).status).toBe(400);
    const signedIn = await api.call('POST', '/api/sign-in/link', { body: { token: latest } });
    expect(signedIn.status).toBe(200);
    expect((await api.call('GET', '/api/me', { token: signedIn.body.token })).status).toBe(200);
    // Used: never again.
    const again = await api.call('POST', '/api/sign-in/link', { body: { token: latest } });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('invalid-code');
  });

  it('50 parallel uses of one link: exactly one session, no 5xx', async () => {
    const { email } = await registerLicensee(api);
    await api.call('POST', '/api/sign-in/code', { body: { email } });
    const token = linkIn((await signInMails(email)).at(-1)?.text);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => api.call('POST', '/api/sign-in/link', { body: { token } })),
    );
    expect(answers.filter((answer) => answer.status >= 500)).toEqual([]);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    for (const answer of answers.filter((a) => a.status !== 200)) expect(answer.status).toBe(400);
  });

  it('a made-up, malformed or other licensee’s token is the same 400 as a wrong code', async () => {
    const owner = await registerLicensee(api);
    await api.call('POST', '/api/sign-in/code', { body: { email: owner.email } });
    const real = linkIn((await signInMails(owner.email)).at(-1)?.text)!;
    const other = await registerLicensee(api);
    const [, secret] = real.split('.');
    for (const token of ['x', `${other.licenseeId}.${secret}`, `${owner.licenseeId}.${'A'.repeat(43)}`]) {
      const answer = await api.call('POST', '/api/sign-in/link', { body: { token } });
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('invalid-code');
    }
    const tooLong = await api.call('POST', '/api/sign-in/link', { body: { token: 'x'.repeat(5000) } });
    expect(tooLong.status).toBe(400);
    // The real link still works after all that.
    expect((await api.call('POST', '/api/sign-in/link', { body: { token: real } })).status).toBe(200);
  });
});

describe('a spent mail budget cannot lock the owner out either', () => {
  it('once the address has had its mails for today, a new code request leaves the last mail’s link working', async () => {
    const { email } = await registerLicensee(api);
    expect((await api.call('POST', '/api/sign-in/code', { body: { email } })).status).toBe(202);
    const mailed = await signInMails(email);
    const link = linkIn(mailed.at(-1)?.text);
    expect(link).toBeDefined();

    // A stranger has made us mail this address as often as the day allows (by any route).
    const config = loadConfig(api.env);
    const clients = createAwsClients(config);
    const emailIndex = await createKmsBlindIndex({ kms: clients.kms, keyId: config.HMAC_KEY_ID }).of(
      normaliseEmail(email),
    );
    await clients.dynamodb.send(
      new PutItemCommand({
        TableName: config.TABLE_NAME,
        Item: marshall({
          ...outboxKeys.budget(emailIndex, budgetDayOf(new Date())),
          sent: sendingLimits.perRecipientPerDay,
          expiresAt: Math.floor(Date.now() / 1000) + 86_400,
        }),
      }),
    );

    // The same answer, but no mail and no new code: the link already in the owner's mailbox still works.
    expect((await api.call('POST', '/api/sign-in/code', { body: { email } })).status).toBe(202);
    expect(await signInMails(email)).toHaveLength(mailed.length);
    const signedIn = await api.call('POST', '/api/sign-in/link', { body: { token: link } });
    expect(signedIn.status).toBe(200);
  });
});
