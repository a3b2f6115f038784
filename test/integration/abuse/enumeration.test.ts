import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { callsPerService, recordAwsCalls, type AwsCallRecorder } from '../../support/aws-calls.js';
import { newLicensee, startLocalApi, type LocalApi } from '../../support/local-api.js';
import { registerLicensee } from '../../support/licensees.js';
import { deviceCookieName } from '../../../shared/domain/device-cookie.js';
import { policy } from '../../../shared/domain/policy.js';

// 50 requests at once against DynamoDB Local take seconds, more on a loaded machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

/**
 * Issue 9, Build 3: a route that takes an email address answers a registered and a free address alike:
 * same status, same body, and the same synchronous work, compared structurally as the number of
 * DynamoDB, KMS and SES calls behind each answer (SES: none, mail leaves through the outbox) (no timing here: timing is measured by
 * test/support/enumeration-timing.ts, outside the test run).
 */
let api: LocalApi;
let calls: AwsCallRecorder;
beforeAll(async () => {
  api = await startLocalApi();
  calls = recordAwsCalls();
});
afterAll(async () => {
  calls?.restore();
  await api?.close();
});

const free = () => `vrij.${Date.now()}.${Math.random().toString(36).slice(2)}@example.nl`;

/** One request, with the AWS calls made while it ran (requests here run one at a time). */
async function observed(...args: Parameters<LocalApi['call']>) {
  calls.take();
  const answer = await api.call(...args);
  return { status: answer.status, body: answer.body, work: callsPerService(calls.take()) };
}

/** Warms both paths once (container caches, blind-index cache), then compares a second, fresh pair. */
async function compare(
  request: (email: string) => Parameters<LocalApi['call']>,
  { sameWork = true }: { sameWork?: boolean } = {},
) {
  const registered = await registerLicensee(api);
  const other = await registerLicensee(api);
  await observed(...request(other.email));
  await observed(...request(free()));
  const known = await observed(...request(registered.email));
  const unknown = await observed(...request(free()));
  expect(unknown.status).toBe(known.status);
  expect(unknown.body).toEqual(known.body);
  if (sameWork) expect(unknown.work).toEqual(known.work);
  return { known, unknown, registered };
}

describe('registered and free addresses look the same', () => {
  it('POST /api/sign-in/code', async () => {
    const { known } = await compare((email) => ['POST', '/api/sign-in/code', { body: { email } }]);
    expect(known.status).toBe(202);
    // The mail leaves through the outbox: written with the code, never sent while the caller waits.
    expect(known.work.ses).toBeUndefined();
  });

  it('POST /api/sign-in/code with a forged device cookie: the answer and work of one without', async () => {
    const { email } = await registerLicensee(api);
    const forged = `${deviceCookieName}=${'A'.repeat(22)}.${'B'.repeat(43)}`;
    const ask = (cookie?: string) =>
      observed('POST', '/api/sign-in/code', { body: { email }, ...(cookie ? { cookie } : {}) });
    await ask();
    // While codes are left, and once a stranger spent them (where only a valid cookie would go on).
    for (const phase of ['budget left', 'budget spent']) {
      const without = await ask();
      const withForged = await ask(forged);
      expect(withForged.status, phase).toBe(without.status);
      expect(withForged.body, phase).toEqual(without.body);
      expect(withForged.work, phase).toEqual(without.work);
      for (let i = 0; i < policy.signIn.maxCodesPerHour; i++) await ask();
    }
  });

  it('POST /api/sign-in (a wrong code)', async () => {
    const { known } = await compare((email) => ['POST', '/api/sign-in', { body: { email, code: '000000' } }]);
    expect(known.status).toBe(400);
  });

  it('POST /api/licensees (signup)', async () => {
    // Same answer; the KMS work still differs (the blind-index cache of a recently seen address).
    const { known } = await compare((email) => ['POST', '/api/licensees', { body: newLicensee({ email }) }], {
      sameWork: false,
    });
    expect(known.status).toBe(202);
    expect(known.work.ses).toBeUndefined();
  });

  it('POST /api/licensees/confirm (a wrong code)', async () => {
    await compare((email) => ['POST', '/api/licensees/confirm', { body: { email, code: '000000' } }], {
      sameWork: false,
    });
  });

  it('PATCH /api/me to a taken address behaves exactly like one to a free address; the owner is told', async () => {
    const requester = await registerLicensee(api);
    const taken = await registerLicensee(api);
    const patchTo = (email: string) =>
      observed('PATCH', '/api/me', { token: requester.token, body: { email } });
    await patchTo(free());
    const toTaken = await patchTo(taken.email);
    const toFree = await patchTo(free());
    expect(toTaken.status).toBe(200);
    expect(toTaken.body).toEqual(toFree.body);
    expect(toTaken.body.emailChangePending).toBe(true);
    const notice = (await api.mailsTo(taken.email)).at(-1);
    expect(notice?.subject).toBe('E-mailadres al in gebruik');
    expect(notice?.text).not.toMatch(/\b\d{6}\b/);
  });

  it('POST /api/privacy-requests/by-email: same status, body and calls, in the same order: one KMS Encrypt, one hand-off', async () => {
    const byEmail = (email: string) =>
      [
        'POST',
        '/api/privacy-requests/by-email',
        { body: { email, type: 'question', message: 'Welke gegevens heeft u?' } },
      ] as Parameters<LocalApi['call']>;
    /** The calls themselves, in order, while the request ran (the worker's own are not the request's). */
    const callsOf = async (email: string) => {
      await api.byEmailSettled();
      calls.take();
      const answer = await api.call(...byEmail(email));
      return { status: answer.status, calls: calls.take() };
    };
    const { known, registered } = await compare(byEmail);
    expect(known.status).toBe(202);
    expect(known.work).toEqual({ kms: 1, lambda: 1 });
    // Nothing before the answer looks the address up: no blind index (KMS GenerateMac), no table read.
    const stranger = free();
    const registeredCalls = await callsOf(registered.email);
    const freeCalls = await callsOf(stranger);
    expect(registeredCalls).toEqual({ status: 202, calls: ['kms:EncryptCommand', 'lambda:InvokeCommand'] });
    expect(freeCalls).toEqual(registeredCalls);
    // The worker did the rest: two questions stored for the owner (each with its code), the neutral mail to
    // the free address.
    await api.byEmailSettled();
    const listed = await api.call('GET', '/api/me/privacy-requests', { token: registered.token });
    expect(listed.body.requests.map((r: { status: string }) => r.status)).toEqual([
      'awaiting-confirmation',
      'awaiting-confirmation',
    ]);
    const toStranger = await api.mailsTo(stranger);
    expect(toStranger).toHaveLength(1);
    expect(toStranger[0]?.text).not.toMatch(/\b\d{6}\b/);
  });
});
