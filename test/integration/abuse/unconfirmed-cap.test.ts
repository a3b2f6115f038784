import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../shared/config.js';
import { policy } from '../../../shared/domain/policy.js';
import { waitsForCode } from '../../../shared/domain/privacy-request.js';
import { createRequestDeps } from '../../../shared/wiring/requests.js';
import { startLocalApi, type LocalApi } from '../../support/local-api.js';
import { registerLicensee } from '../../support/licensees.js';
import { startMailWorld, type MailWorld } from '../mail/support.js';

// 50 requests at once against DynamoDB Local take seconds, more on a loaded machine.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

/**
 * Issue 9, Build 4: "a cap on open unconfirmed requests per licensee". Questions and complaints are never
 * linked to an earlier request, so without a cap anyone who knows a licensee's address could make them a new
 * request and a new code with every form post or spoofed mail. At most `maxUnconfirmedPerLicensee` wait for
 * their code at once, under 50 parallel requests too; beyond that nothing new is stored, the newest waiting
 * request's code is mailed again within the day budget, and the answer is the one a free address gets.
 */
const cap = policy.requests.maxUnconfirmedPerLicensee;
const budget = policy.mail.maxSystemMailsPerRecipientPerDay;

let api: LocalApi;
let world: MailWorld;
beforeAll(async () => {
  api = await startLocalApi();
  world = await startMailWorld({ prefix: 'zorgsom-cap' });
});
afterAll(async () => {
  await api?.close();
  await world?.close();
});

const requestsOf = (licenseeId: string) =>
  createRequestDeps(loadConfig(api.env), { count: () => {} }).requests.listRequests(licenseeId);
const waiting = async (licenseeId: string) =>
  (await requestsOf(licenseeId)).filter((request) => waitsForCode(request, new Date()));
/** The form's answer, once its worker (and every other submission's) has run: what it stored exists now. */
const byEmail = async (email: string, message = 'Welke gegevens heeft u van mij?') => {
  const answer = await api.call('POST', '/api/privacy-requests/by-email', {
    body: { email, type: 'question', message },
  });
  await api.byEmailSettled();
  return answer;
};
const referenceOf = (text: string | undefined) => /(P-[0-9A-Z]{8})/.exec(text ?? '')?.[1] ?? '';
const codeOf = (text: string | undefined) => /\b(\d{6})\b/.exec(text ?? '')?.[1] ?? '';

describe('the cap on requests waiting for a code (by-email form)', () => {
  it('50 parallel questions for one address: at most the cap stored, no 5xx, the answer a free address gets', async () => {
    const owner = await registerLicensee(api);
    const before = (await api.mailsTo(owner.email)).length;
    const free = `vrij.${Date.now()}@example.nl`;
    const [known, unknown] = await Promise.all([
      Promise.all(Array.from({ length: 50 }, () => byEmail(owner.email))),
      Promise.all(Array.from({ length: 50 }, () => byEmail(free))),
    ]);
    const answers = [...known, ...unknown];
    expect(answers.filter((answer) => answer.status >= 500)).toEqual([]);
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([202]));
    expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).toBe(1);

    // Exactly the cap stored, each with one code; nothing else (no linked or half-written request).
    const stored = await requestsOf(owner.licenseeId);
    expect(stored).toHaveLength(cap);
    expect(stored.filter((request) => request.confirmation)).toHaveLength(cap);
    expect(await waiting(owner.licenseeId)).toHaveLength(cap);
    // The mails that reached the owner: within the day budget; every one names a stored request.
    await api.settleMail(120_000);
    const mails = (await api.mailsTo(owner.email)).slice(before);
    expect(before + mails.length).toBeLessThanOrEqual(budget);
    expect(mails.length).toBeGreaterThanOrEqual(cap);
    const references = new Set(stored.map((request) => request.reference));
    for (const mail of mails) expect(references).toContain(referenceOf(mail.text));
  });

  it('beyond the cap: no new request, the newest code again; confirming one frees a slot', async () => {
    const owner = await registerLicensee(api);
    for (let i = 0; i < cap; i++) expect((await byEmail(owner.email, `Vraag ${i + 1}?`)).status).toBe(202);
    const full = await requestsOf(owner.licenseeId);
    expect(full).toHaveLength(cap);
    const newest = full.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))[0]!;

    const beyond = await byEmail(owner.email, 'Nog een vraag?');
    expect(beyond.status).toBe(202);
    expect(await requestsOf(owner.licenseeId)).toHaveLength(cap);
    // The mail beyond the cap is the newest request's code again, and that code confirms it.
    const resent = (await api.mailsTo(owner.email)).at(-1);
    expect(referenceOf(resent?.text)).toBe(newest.reference);
    const confirmed = await api.call('POST', '/api/privacy-requests/confirm', {
      body: { reference: newest.reference, code: codeOf(resent?.text) },
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('open');
    expect(await waiting(owner.licenseeId)).toHaveLength(cap - 1);

    // The slot it held is free: the next question is stored and gets a code of its own.
    expect((await byEmail(owner.email, 'En nu?')).status).toBe(202);
    const after = await requestsOf(owner.licenseeId);
    expect(after).toHaveLength(cap + 1);
    expect(await waiting(owner.licenseeId)).toHaveLength(cap);
    const fresh = after.find((request) => !full.some((old) => old.requestId === request.requestId))!;
    expect(referenceOf((await api.mailsTo(owner.email)).at(-1)?.text)).toBe(fresh.reference);
  });

  it('a signed-in licensee is never held by the cap (the session is the verification)', async () => {
    const owner = await registerLicensee(api);
    for (let i = 0; i < cap + 1; i++) await byEmail(owner.email, `Vraag ${i + 1}?`);
    const signedIn = await api.call('POST', '/api/privacy-requests', {
      token: owner.token,
      body: { type: 'question', message: 'Ingelogd gevraagd' },
    });
    expect(signedIn.status).toBe(201);
    expect(signedIn.body.status).toBe('open');
  });
});

/** A question by mail, as a stranger with a spoofed From could send it (fresh Message-ID each). */
function question(from: string, i: number): Buffer {
  return Buffer.from(
    [
      `From: Licentiehouder <${from}>`,
      'To: info@zorgsom.nl',
      'Subject: Privacy vraag',
      `Message-ID: <cap${i}.${Math.random().toString(36).slice(2)}@example.nl>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Hoe lang bewaren jullie mijn adres? (${i})`,
      '',
    ].join('\r\n'),
  );
}

describe('the same cap through mail to info@', () => {
  it('50 parallel mailed questions from one registered address: at most the cap stored, the rest capped', async () => {
    const { email, licenseeId } = await world.registerLicensee();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => world.deliver(question(email, i))),
    );
    const outcomes = results.map((result) => result.outcome);
    expect(outcomes.filter((outcome) => outcome === 'request-question')).toHaveLength(cap);
    expect(outcomes.filter((outcome) => outcome === 'request-capped')).toHaveLength(50 - cap);
    const stored = await world.deps.requests.listRequests(licenseeId);
    expect(stored).toHaveLength(cap);
    expect(stored.every((request) => request.status === 'awaiting-confirmation')).toBe(true);
    const mails = await world.mailsTo(email);
    expect(mails.length).toBeLessThanOrEqual(budget);
    const references = new Set(stored.map((request) => request.reference));
    // The signup code, then only codes of stored requests.
    for (const mail of mails.slice(1)) expect(references).toContain(referenceOf(mail.text));
  });
});
