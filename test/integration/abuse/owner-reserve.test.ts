import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { outboxKeys } from '../../../shared/adapters/outbox-store.js';
import { loadConfig } from '../../../shared/config.js';
import { budgetDayOf } from '../../../shared/domain/sending-policy.js';
import { createRequestDeps } from '../../../shared/wiring/requests.js';
import { deviceCookieName } from '../../../shared/domain/device-cookie.js';
import { policy } from '../../../shared/domain/policy.js';
import { useLocalApi } from '../../support/local-api.js';
import { registerLicensee } from '../../support/licensees.js';

// 50 requests at once against DynamoDB Local take seconds, more on a loaded machine.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

/**
 * Issue 9, Build 4: "a code-request limit that an attacker cannot spend for the owner". A stranger can spend an
 * address's sign-in codes (5 an hour, the day's mail budget); a browser the owner signed in from carries a device
 * cookie (shared/domain/device-cookie.ts) that draws on the owner's own reserve of codes, which no request without
 * that cookie can touch. The answer is the same with and without a cookie, valid or not.
 */
const api = useLocalApi();

const askForCode = (email: string, cookie?: string) =>
  api.call('POST', '/api/sign-in/code', { body: { email }, ...(cookie ? { cookie } : {}) });

/** Signs in with a fresh mailed code; the device cookie the answer sets, as a Cookie header's `name=value`. */
async function signInForCookie(email: string): Promise<{ cookie: string; setCookie: string }> {
  expect((await askForCode(email)).status).toBe(202);
  const signedIn = await api.call('POST', '/api/sign-in', {
    body: { email, code: await api.latestCode(email) },
  });
  expect(signedIn.status).toBe(200);
  const setCookie = signedIn.headers.getSetCookie().find((c) => c.startsWith(`${deviceCookieName}=`));
  if (!setCookie) throw new Error('no device cookie set');
  return { cookie: setCookie.split(';')[0]!, setCookie };
}

const mailCount = async (email: string) => (await api.mailsTo(email)).length;

describe("the owner's reserve of sign-in codes (device cookie)", () => {
  it('a stranger spends the budget with 50 parallel requests; only the owner’s own browser still gets a code', async () => {
    const owner = await registerLicensee(api);
    const other = await registerLicensee(api);
    const { cookie, setCookie } = await signInForCookie(owner.email);
    const { cookie: othersCookie } = await signInForCookie(other.email);

    // The cookie: HttpOnly, Secure, SameSite=Strict, __Host- (Path=/, no Domain), long-lived, nothing personal.
    const attributes = setCookie.split(';').map((part) => part.trim().toLowerCase());
    expect(attributes).toEqual(
      expect.arrayContaining(['httponly', 'secure', 'samesite=strict', 'path=/', `max-age=${90 * 86_400}`]),
    );
    expect(attributes.some((part) => part.startsWith('domain='))).toBe(false);
    expect(policy.signIn.deviceCookieDays).toBe(90);
    const value = cookie.slice(deviceCookieName.length + 1);
    expect(value).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(value).not.toContain(owner.email.split('@')[0]);
    expect(value).not.toContain(owner.licenseeId);

    // The stranger, with no cookie, spends the address's codes.
    const flood = await Promise.all(Array.from({ length: 50 }, () => askForCode(owner.email)));
    expect(flood.filter((answer) => answer.status >= 500)).toEqual([]);
    const reference = flood[0]!;
    expect(reference.status).toBe(202);
    for (const answer of flood) expect(answer.body).toEqual(reference.body);
    // Parallel requests that lost the race for the code record issued nothing: the stranger keeps going.
    for (let i = 0; i < policy.signIn.maxCodesPerHour; i++) await askForCode(owner.email);
    const afterFlood = await mailCount(owner.email);

    // Without the cookie, with a tampered one, with another address's: the same answer, no mail.
    const tampered = cookie.slice(0, -1) + (cookie.endsWith('A') ? 'B' : 'A');
    const wrongId = `${deviceCookieName}=${'B'.repeat(22)}.${value.split('.')[1]}`;
    for (const attempt of [undefined, tampered, wrongId, othersCookie, `${deviceCookieName}=garbage`]) {
      const answer = await askForCode(owner.email, attempt);
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual(reference.body);
      expect(answer.headers.getSetCookie()).toEqual([]);
    }
    expect(await mailCount(owner.email)).toBe(afterFlood);

    // From the owner's browser: the same answer, and a code mail that signs the owner in.
    const owners = await askForCode(owner.email, cookie);
    expect(owners.status).toBe(202);
    expect(owners.body).toEqual(reference.body);
    expect(await mailCount(owner.email)).toBe(afterFlood + 1);
    const signedIn = await api.call('POST', '/api/sign-in', {
      body: { email: owner.email, code: await api.latestCode(owner.email) },
    });
    expect(signedIn.status).toBe(200);
    expect(typeof signedIn.body.token).toBe('string');
    expect(signedIn.body).not.toHaveProperty('deviceCookie');
  });

  it('the reserve itself holds under 50 parallel requests with the cookie: exactly the policy number a day', async () => {
    const owner = await registerLicensee(api);
    const { cookie } = await signInForCookie(owner.email);
    // Spend the common budget first, one by one (the owner's own sign-in used one code of the hour).
    for (let i = 0; i < policy.signIn.maxCodesPerHour; i++) await askForCode(owner.email);
    const spent = await mailCount(owner.email);
    await askForCode(owner.email);
    expect(await mailCount(owner.email)).toBe(spent);

    const burst = await Promise.all(Array.from({ length: 50 }, () => askForCode(owner.email, cookie)));
    expect(burst.filter((answer) => answer.status >= 500)).toEqual([]);
    expect(new Set(burst.map((answer) => `${answer.status} ${JSON.stringify(answer.body)}`)).size).toBe(1);
    const afterBurst = (await mailCount(owner.email)) - spent;
    expect(afterBurst).toBeGreaterThanOrEqual(1);
    expect(afterBurst).toBeLessThanOrEqual(policy.signIn.ownerReserveCodesPerDay);

    // Asked for one by one until nothing more comes: never more than the reserve in all.
    for (let i = 0; i < policy.signIn.ownerReserveCodesPerDay + 1; i++) await askForCode(owner.email, cookie);
    expect((await mailCount(owner.email)) - spent).toBe(policy.signIn.ownerReserveCodesPerDay);
    // The last of them still signs the owner in.
    const signedIn = await api.call('POST', '/api/sign-in', {
      body: { email: owner.email, code: await api.latestCode(owner.email) },
    });
    expect(signedIn.status).toBe(200);
  });

  it("with the day's mail budget spent (codes of the hour left): the reserve too, only with the cookie", async () => {
    const owner = await registerLicensee(api);
    const { cookie } = await signInForCookie(owner.email);
    // The day's budget spent by other mail to the address (the flood of mail-budget.test.ts, set directly here).
    const deps = createRequestDeps(loadConfig(api.env), { count: () => {} });
    const emailIndex = await deps.blindIndex.of(owner.email);
    await api.dynamodb.send(
      new PutItemCommand({
        TableName: api.env.TABLE_NAME,
        Item: marshall({
          ...outboxKeys.budget(emailIndex, budgetDayOf(new Date())),
          sent: policy.mail.maxSystemMailsPerRecipientPerDay,
          expiresAt: Math.floor(Date.now() / 1000) + 86_400,
        }),
      }),
    );
    const before = await mailCount(owner.email);
    expect((await askForCode(owner.email)).status).toBe(202);
    expect(await mailCount(owner.email)).toBe(before);
    expect((await askForCode(owner.email, cookie)).status).toBe(202);
    expect(await mailCount(owner.email)).toBe(before + 1);
    const signedIn = await api.call('POST', '/api/sign-in', {
      body: { email: owner.email, code: await api.latestCode(owner.email) },
    });
    expect(signedIn.status).toBe(200);
  });

  it('the sign-in link sets the device cookie too', async () => {
    const owner = await registerLicensee(api);
    await askForCode(owner.email);
    const text = (await api.mailsTo(owner.email)).at(-1)?.text ?? '';
    const token = /#link=([0-9A-Za-z._-]+)/.exec(text)?.[1];
    expect(token).toBeDefined();
    const signedIn = await api.call('POST', '/api/sign-in/link', { body: { token } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.getSetCookie().some((c) => c.startsWith(`${deviceCookieName}=`))).toBe(true);
  });
});
