import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMinutes } from '../../../shared/domain/dates.js';
import { openShards } from '../../../shared/domain/privacy-request.js';
import { runRequestHygiene } from '../../../shared/services/requests/hygiene.js';
import { confirmRequest, openMessage } from '../../../shared/services/requests/workflow.js';
import { startMailWorld, type MailWorld } from './support.js';

/** A mail as a licensee would write it, with a fresh Message-ID. */
function mail(from: string, subject: string, body: string, headers: string[] = []): Buffer {
  return Buffer.from(
    [
      `From: Test Licentiehouder <${from}>`,
      'To: info@zorgsom.nl',
      `Subject: ${subject}`,
      `Message-ID: <${Math.random().toString(36).slice(2)}@example.nl>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      ...headers,
      '',
      body,
      '',
    ].join('\r\n'),
  );
}

const codeOf = (text: string | undefined) => /code (\d{6})/.exec(text ?? '')?.[1] ?? '';
const referenceOf = (text: string | undefined) => /(P-[0-9A-Z]{8})/.exec(text ?? '')?.[1] ?? '';

let now = new Date('2026-04-01T09:00:00Z');
let world: MailWorld;
/** Fault injection: while set, the next SES send (or KMS GenerateDataKey) fails like a throttled service. */
const faults = { ses: 0, kmsEncrypt: 0 };

beforeAll(async () => {
  world = await startMailWorld({
    prefix: 'zorgsom-workflow',
    clock: () => now,
    clients: (base) => ({
      ...base,
      ses: new Proxy(base.ses, {
        get(target, property, receiver) {
          if (property !== 'send') return Reflect.get(target, property, receiver);
          return (command: Parameters<SESv2Client['send']>[0]) => {
            if (faults.ses > 0) {
              faults.ses -= 1;
              return Promise.reject(
                Object.assign(new Error('injected'), { name: 'TooManyRequestsException' }),
              );
            }
            return target.send(command);
          };
        },
      }),
      kms: new Proxy(base.kms, {
        get(target, property, receiver) {
          if (property !== 'send') return Reflect.get(target, property, receiver);
          return (command: Parameters<KMSClient['send']>[0]) => {
            if (faults.kmsEncrypt > 0 && command.constructor.name === 'EncryptCommand') {
              faults.kmsEncrypt -= 1;
              return Promise.reject(Object.assign(new Error('injected'), { name: 'KMSInternalException' }));
            }
            return target.send(command);
          };
        },
      }),
    }),
  });
});
afterAll(async () => {
  await world?.close();
});

describe('idempotency and retries', () => {
  it('a duplicate delivery of the same SES message makes one request and one reply', async () => {
    const { email, licenseeId } = await world.registerLicensee();
    const raw = mail(email, 'Privacy', 'Graag inzage in mijn gegevens.');
    const first = await world.deliver(raw);
    const again = await world.deliver(raw, { messageId: first.messageId });
    expect(first.outcome).toBe('request-overview');
    expect(again.outcome).toBe('duplicate');
    expect(await world.deps.requests.listRequests(licenseeId)).toHaveLength(1);
    expect(await world.mailsTo(email)).toHaveLength(2); // signup code + one confirmation
  });

  it('a failed mail: the handler throws, the error shows on the request, the retry resumes; nothing lost or doubled', async () => {
    const { email, licenseeId } = await world.registerLicensee();
    const raw = mail(email, 'Privacy: verwijderen', 'Graag mijn gegevens verwijderen.');
    faults.ses = 1;
    const failed = await world.deliver(raw).catch((error: Error) => error);
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).name).toBe('RequestStepPendingError');
    const [stuck] = await world.deps.requests.listRequests(licenseeId);
    expect(stuck).toMatchObject({
      status: 'awaiting-confirmation',
      pendingStep: 'send-confirmation',
      lastError: 'mail-not-sent',
      failedAttempts: 1,
    });

    // Lambda's retry: the same event again.
    const messageId = stuck!.sourceMessageId!;
    const retried = await world.deliver(raw, { messageId });
    expect(retried.outcome).toBe('request-deletion');
    const requests = await world.deps.requests.listRequests(licenseeId);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ status: 'awaiting-confirmation' });
    expect(requests[0]?.pendingStep).toBeUndefined();
    expect(requests[0]?.lastError).toBeUndefined();
    const confirmations = (await world.mailsTo(email)).filter((m) =>
      m.subject.startsWith('Bevestig uw privacyverzoek'),
    );
    expect(confirmations).toHaveLength(1);
    // The code mailed is the one that works.
    const view = await confirmRequest(world.deps, {
      reference: referenceOf(confirmations[0]?.text),
      code: codeOf(confirmations[0]?.text),
    });
    expect(view.status).toBe('awaiting-staff-approval');
  });

  it('a KMS error before the request is stored: the handler throws and the retry makes the request', async () => {
    const { email, licenseeId } = await world.registerLicensee();
    const raw = mail(email, 'Privacy vraag', 'Hoe lang bewaren jullie mijn adres?');
    faults.kmsEncrypt = 1;
    const messageId = 'kmsfault' + Date.now().toString(36);
    await expect(world.deliver(raw, { messageId })).rejects.toThrow();
    expect(await world.deps.requests.listRequests(licenseeId)).toHaveLength(0);
    expect((await world.deliver(raw, { messageId })).outcome).toBe('request-question');
    const [request] = await world.deps.requests.listRequests(licenseeId);
    expect(await openMessage(world.deps, request!)).toBe(
      'Privacy vraag\n\nHoe lang bewaren jullie mijn adres?',
    );
  });
});

describe('verification and workflows', () => {
  it('a mailed request proceeds only with the code sent to the address on record; each type has its effect', async () => {
    const cases = [
      {
        subject: 'Privacy inzage',
        body: 'Graag een overzicht.',
        status: 'completed',
        mail: /^Uw overzicht staat klaar/,
      },
      {
        subject: 'Privacy',
        body: 'Graag mijn adres wijzigen.',
        status: 'completed',
        mail: /^Uw gegevens corrigeren/,
      },
      {
        subject: 'Privacy',
        body: 'Verwijder al mijn gegevens.',
        status: 'awaiting-staff-approval',
        mail: /^Uw verzoek om verwijdering/,
      },
      {
        subject: 'Privacy klacht',
        body: 'Ik heb een klacht.',
        status: 'open',
        mail: /^Uw klacht is ontvangen/,
      },
      { subject: 'Privacy', body: 'Wie kan mijn IBAN zien?', status: 'open', mail: /^Uw vraag is ontvangen/ },
    ] as const;
    for (const item of cases) {
      const { email, licenseeId } = await world.registerLicensee();
      await world.deliver(mail(email, item.subject, item.body, ['X-Test-Verdict-Dmarc: FAIL']));
      const confirmation = (await world.mailsTo(email)).at(-1);
      expect(confirmation?.subject).toMatch(/^Bevestig uw privacyverzoek/);
      expect(confirmation?.text).toContain('/confirm-request.html#P-');
      const reference = referenceOf(confirmation?.text);

      await expect(confirmRequest(world.deps, { reference, code: '000000' })).rejects.toMatchObject({
        code: 'invalid-code',
      });
      const view = await confirmRequest(world.deps, { reference, code: codeOf(confirmation?.text) });
      expect(view.status).toBe(item.status);
      expect(view.history.map((h) => h.status)).toEqual([
        'awaiting-confirmation',
        'open',
        ...(item.status === 'open' ? [] : [item.status]),
      ]);
      const outcome = (await world.mailsTo(email)).at(-1);
      expect(outcome?.subject).toMatch(item.mail);
      if (item.status === 'open' || item.status === 'awaiting-staff-approval') {
        // The acknowledgement states the deadline (one month after receipt).
        expect(outcome?.text).toContain('1 mei 2026');
      }
      const [stored] = await world.deps.requests.listRequests(licenseeId);
      expect(stored?.pendingStep).toBeUndefined();
      // The right code again shows the request, changes nothing.
      await expect(
        confirmRequest(world.deps, { reference, code: codeOf(confirmation?.text) }),
      ).resolves.toMatchObject({ status: item.status });
    }
  });

  it('an opt-out that waited for confirmation is applied once confirmed', async () => {
    const { email, licenseeId } = await world.registerLicensee();
    await world.deliver(mail(email, 'Afmelden', 'Graag afmelden.', ['X-Test-Verdict-Dmarc: FAIL']));
    expect((await world.deps.repo.getProfile(licenseeId))?.marketingOptOut).toBe(false);
    const confirmation = (await world.mailsTo(email)).at(-1);
    await confirmRequest(world.deps, {
      reference: referenceOf(confirmation?.text),
      code: codeOf(confirmation?.text),
    });
    expect((await world.deps.repo.getProfile(licenseeId))?.marketingOptOut).toBe(true);
    expect((await world.mailsTo(email)).at(-1)?.subject).toMatch(/^Afgemeld voor informatie/);
  });

  it('a second request of the same type while one is unfinished is linked, not worked twice', async () => {
    now = addDays(now, 2);
    const { email, licenseeId } = await world.registerLicensee();
    await world.deliver(mail(email, 'Privacy', 'Graag inzage.'));
    now = addDays(now, 2); // past the auto-reply window
    await world.deliver(mail(email, 'Privacy', 'Nogmaals: graag inzage.'));
    const requests = (await world.deps.requests.listRequests(licenseeId)).sort((a, b) =>
      a.receivedAt.localeCompare(b.receivedAt),
    );
    expect(requests.map((r) => r.status)).toEqual(['awaiting-confirmation', 'linked']);
    expect(requests[1]?.linkedTo).toBe(requests[0]?.requestId);
    expect(
      (await world.mailsTo(email)).filter((m) => m.subject.startsWith('Bevestig uw privacyverzoek')),
    ).toHaveLength(1);
  });

  it('open requests are listed by deadline in the sparse index; finished ones leave it', async () => {
    const open = await world.deps.requests.listShard(openShards.open);
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((r) => r.status === 'open' || r.status === 'awaiting-staff-approval')).toBe(true);
    const dues = open.map((r) => r.dueAt);
    expect(dues).toEqual([...dues].sort());
    // One that certainly waits for its confirmation, so the check below cannot pass on an empty list.
    const { email, licenseeId } = await world.registerLicensee();
    await world.deliver(mail(email, 'Privacy', 'Graag inzage in mijn gegevens.'));
    const unconfirmed = await world.deps.requests.listShard(openShards.unconfirmed);
    expect(unconfirmed.map((r) => r.licenseeId)).toContain(licenseeId);
    expect(unconfirmed.every((r) => r.status === 'awaiting-confirmation')).toBe(true);
  });
});

describe('RFC 3834 throttle', () => {
  it('one automatic reply per sender per 24 hours; the reminder brings the code of a throttled request', async () => {
    const { email, licenseeId } = await world.registerLicensee();
    await world.deliver(mail(email, 'Vraag', 'Waar blijft mijn factuur?'));
    await world.deliver(mail(email, 'Privacy', 'Graag inzage.'));
    const afterTwo = await world.mailsTo(email);
    expect(afterTwo.filter((m) => !m.subject.startsWith('Bevestig uw aanmelding'))).toHaveLength(1);
    const [request] = await world.deps.requests.listRequests(licenseeId);
    expect(request?.status).toBe('awaiting-confirmation');

    now = addMinutes(now, 24 * 60 + 1);
    const report = await runRequestHygiene(world.deps);
    expect(report.reminded).toBeGreaterThanOrEqual(1);
    const reminder = (await world.mailsTo(email)).at(-1);
    expect(reminder?.subject).toMatch(/^Herinnering: bevestig uw privacyverzoek/);
    const view = await confirmRequest(world.deps, {
      reference: referenceOf(reminder?.text),
      code: codeOf(reminder?.text),
    });
    expect(view.status).toBe('completed');
  });
});

describe('request hygiene', () => {
  it('one reminder after 24 hours, closed after 7 days; a failed step is retried from where it failed', async () => {
    now = addDays(now, 3);
    const { email, licenseeId } = await world.registerLicensee();
    await world.deliver(mail(email, 'Privacy', 'Graag inzage.'));
    const second = await world.registerLicensee();
    faults.ses = 1;
    await expect(world.deliver(mail(second.email, 'Privacy', 'Graag verwijderen.'))).rejects.toThrow();
    const [failed] = await world.deps.requests.listRequests(second.licenseeId);
    expect(failed).toMatchObject({ lastError: 'mail-not-sent', pendingStep: 'send-confirmation' });

    now = addMinutes(now, 23 * 60);
    let report = await runRequestHygiene(world.deps);
    // The failed step is retried at once; no reminder before 24 hours.
    const [retried] = await world.deps.requests.listRequests(second.licenseeId);
    expect(retried?.lastError).toBeUndefined();
    expect(retried?.pendingStep).toBeUndefined();
    expect((await world.mailsTo(second.email)).at(-1)?.subject).toMatch(/^Bevestig uw privacyverzoek/);
    expect(report.retried).toBeGreaterThanOrEqual(1);
    const before = (await world.mailsTo(email)).length;

    now = addMinutes(now, 2 * 60);
    report = await runRequestHygiene(world.deps);
    expect((await world.mailsTo(email)).length).toBe(before + 1);
    await runRequestHygiene(world.deps);
    expect((await world.mailsTo(email)).length).toBe(before + 1); // one reminder only

    now = addDays(now, 7);
    report = await runRequestHygiene(world.deps);
    expect(report.closed).toBeGreaterThanOrEqual(2);
    const [closed] = await world.deps.requests.listRequests(licenseeId);
    expect(closed?.status).toBe('closed-unconfirmed');
    expect(closed?.confirmation).toBeUndefined();
    expect(
      (await world.deps.requests.listShard(openShards.unconfirmed)).some((r) => r.licenseeId === licenseeId),
    ).toBe(false);
    // Every change is in the audit trail, without personal values.
    const events = await world.deps.audit.forLicensee(licenseeId);
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['privacy-request.received', 'privacy-request.closed-unconfirmed']),
    );
    expect(JSON.stringify(events)).not.toContain(email);
  });
});
