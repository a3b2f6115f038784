import { readdir } from 'node:fs/promises';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RawMailMissingError } from '../../../shared/adapters/raw-mail-store.js';
import { loadConfig } from '../../../shared/config.js';
import type { StoredPrivacyRequest } from '../../../shared/domain/privacy-request.js';
import type { MailIntakeDeps } from '../../../shared/services/requests/request-deps.js';
import { openMessage } from '../../../shared/services/requests/workflow.js';
import { createMailIntakeDeps } from '../../../shared/wiring/requests.js';
import { captureOutput } from '../../support/captured-output.js';
import { newLicensee, startLocalApi, type LocalApi } from '../../support/local-api.js';
import { startMailDelivery, type MailDelivery } from '../../support/mail-delivery.js';

/**
 * Issue 10's day of ordinary mail from one licensee, in order, over the real SMTP intake of the local stack
 * (raw MIME in local S3, the mail-intake handler on an SES-shaped event, the outbox, the mail-sender, the SES
 * emulator): an Outlook reply asking for an overview, a deletion request in latin-1 quoted-printable, an
 * English complaint, a question with a patient's BSN while the overview is still open, a marketing opt-out.
 * Every mail gets its own answer with its own reference within minutes: none is swallowed by the
 * one-automatic-reply-per-24-hours rule, the BSN mail is warned (and told the existing reference) although it
 * is linked, and nothing of the BSN is kept anywhere.
 */
let api: LocalApi;
let intake: MailDelivery;
let deps: MailIntakeDeps;
let captured: string[] = [];

beforeAll(async () => {
  api = await startLocalApi({ POWERTOOLS_LOG_LEVEL: 'INFO' });
  intake = await startMailDelivery(api.env, { smtp: true });
  deps = createMailIntakeDeps(loadConfig(api.env), { count: () => {} });
  captured = captureOutput();
});
afterAll(async () => {
  vi.restoreAllMocks();
  await intake?.close();
  await api?.close();
});

const bsn = '123456782';
const crlf = (lines: string[]) => lines.join('\r\n') + '\r\n';

/** Sends raw MIME over SMTP; resolves once intake handled it (the SMTP reply waits for the handler). */
const send = (envelopeSender: string, raw: string) => intake.deliver(raw, { envelopeSender });

const referenceOf = (text: string | undefined) => /\b(P-[0-9A-Z]{8})\b/.exec(text ?? '')?.[1];
const linkOf = (text: string | undefined) =>
  /confirm-request\.html#(P-[0-9A-Z]{8})\.(\d{6})/.exec(text ?? '');

describe('a day of mail from one licensee', () => {
  it('every mail gets its own confirmation or acknowledgement; the BSN mail its warning; nothing of the BSN kept', async () => {
    const input = newLicensee();
    const email = String(input.email).toLowerCase();
    const name = String(input.name);
    await api.call('POST', '/api/licensees', { body: input });
    const signedUp = await api.call('POST', '/api/licensees/confirm', {
      body: { email, code: await api.latestCode(email) },
    });
    const token = signedUp.body.token as string;
    const before = (await api.mailsTo(email)).length;
    /** The mails that arrived since the last call, after the sender delivered everything written so far. */
    let seen = before;
    const newMails = async () => {
      const all = await api.mailsTo(email);
      const fresh = all.slice(seen);
      seen = all.length;
      return fresh;
    };

    // 1. 08:55, Outlook: a reply to an earlier ZorgSom mail, quoted history below (which names deletion,
    //    correction, the complaint route and the newsletter's opt-out), asking for an overview.
    await send(
      email,
      crlf([
        `From: ${name} <${email}>`,
        'To: ZorgSom <info@zorgsom.nl>',
        'Subject: RE: Privacy',
        'Thread-Topic: Privacy',
        'Thread-Index: AQHbQ2FzZGZnaGprbA==',
        'Date: Tue, 1 Dec 2026 08:55:12 +0000',
        `Message-ID: <AM0PR07MB1234${Date.now()}@AM0PR07MB1234.eurprd07.prod.outlook.com>`,
        'In-Reply-To: <0100018c0a1b2c3d-aaaa@eu-west-1.amazonses.com>',
        'References: <0100018c0a1b2c3d-aaaa@eu-west-1.amazonses.com>',
        'Accept-Language: nl-NL, en-US',
        'Content-Language: nl-NL',
        'X-MS-Has-Attach:',
        'X-MS-TNEF-Correlator:',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset="utf-8"',
        'Content-Transfer-Encoding: 8bit',
        '',
        'Goedemorgen,',
        '',
        'Dank voor uw antwoord. Graag ontvang ik toch een overzicht van alle gegevens die u van mij hebt.',
        '',
        'Met vriendelijke groet,',
        name,
        '',
        '________________________________',
        'Van: ZorgSom <info@zorgsom.nl>',
        'Verzonden: maandag 30 november 2026 16:02',
        `Aan: ${name} <${email}>`,
        'Onderwerp: Privacy',
        '',
        'Wilt u uw gegevens laten verwijderen of corrigeren? Niet tevreden? Dien een klacht in.',
        'Geen nieuwsbrief meer? Meld u af via de link onderaan.',
      ]),
    );
    const [overviewCode, ...extra1] = await newMails();
    expect(extra1).toEqual([]);
    expect(overviewCode?.subject).toMatch(/^Bevestig uw privacyverzoek P-/);
    expect(overviewCode?.text).toContain('inzage in uw gegevens');
    const overviewRef = referenceOf(overviewCode?.subject)!;

    // 2. 09:10, a deletion request from an older client: latin-1, quoted-printable, é and ë.
    await send(
      email,
      crlf([
        `From: ${email}`,
        'To: info@zorgsom.nl',
        'Subject: Privacy: verwijdering',
        'Date: Tue, 1 Dec 2026 09:10:00 +0100',
        `Message-ID: <${Date.now()}.latin1@mail.example.nl>`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=iso-8859-1',
        'Content-Transfer-Encoding: quoted-printable',
        'X-Mailer: Microsoft Outlook 14.0',
        '',
        'Geachte heer/mevrouw,',
        '',
        'Mijn licentie is be=EBindigd. Ik verzoek u daarom al mijn gegevens te verwijde=',
        'ren, ook die van de praktijk in Caf=E9straat.',
        '',
        'Met vriendelijke groet,',
        'Ren=E9e',
      ]),
    );
    const [deletionCode, ...extra2] = await newMails();
    expect(extra2).toEqual([]);
    expect(deletionCode?.subject).toMatch(/^Bevestig uw privacyverzoek P-/);
    expect(deletionCode?.text).toContain('verwijdering van uw gegevens');
    const [, deletionRef, deletionPin] = linkOf(deletionCode?.text) ?? [];
    // Confirmable at once, not only after the 24-hour reminder.
    const deletion = await api.call('POST', '/api/privacy-requests/confirm', {
      body: { reference: deletionRef, code: deletionPin },
    });
    expect(deletion.body).toMatchObject({ type: 'deletion', status: 'awaiting-staff-approval' });
    const [deletionAck, ...extra2b] = await newMails();
    expect(extra2b).toEqual([]);
    // In the licensee's language (Dutch, from the portal at signup), like every mail to them.
    expect(deletionAck?.subject).toBe(`Uw verzoek om verwijdering is in behandeling (${deletionRef})`);

    // 3. 10:30, an English complaint from Gmail.
    await send(
      email,
      crlf([
        `From: ${name} <${email}>`,
        'To: info@zorgsom.nl',
        'Subject: Privacy complaint',
        'Date: Tue, 1 Dec 2026 10:30:00 +0100',
        `Message-ID: <CAF${Date.now()}complaint@mail.gmail.com>`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/alternative; boundary="000000000000a1b2c3"',
        '',
        '--000000000000a1b2c3',
        'Content-Type: text/plain; charset="UTF-8"',
        '',
        'Dear ZorgSom,',
        '',
        'I would like to file a complaint: I received a newsletter although I never asked for one.',
        '',
        'Best regards',
        '',
        '--000000000000a1b2c3',
        'Content-Type: text/html; charset="UTF-8"',
        '',
        '<div dir="ltr">Dear ZorgSom,<br><br>I would like to file a complaint: I received a newsletter although I never asked for one.<br><br>Best regards</div>',
        '--000000000000a1b2c3--',
      ]),
    );
    const [complaintCode, ...extra3] = await newMails();
    expect(extra3).toEqual([]);
    expect(complaintCode?.subject).toMatch(/^Bevestig uw privacyverzoek P-/);
    expect(complaintCode?.text).toContain('klacht over privacy');
    const [, complaintRef, complaintPin] = linkOf(complaintCode?.text) ?? [];
    const complaint = await api.call('POST', '/api/privacy-requests/confirm', {
      body: { reference: complaintRef, code: complaintPin },
    });
    expect(complaint.body).toMatchObject({ type: 'complaint', status: 'open' });
    const [complaintAck] = await newMails();
    expect(complaintAck?.subject).toMatch(new RegExp(`^Uw klacht is ontvangen \\(${complaintRef}\\)`));

    // 4. 11:45, from the phone, the address in capitals: a question about the overview (still unconfirmed,
    //    so open) that names a patient's BSN.
    await send(
      email.toUpperCase(),
      crlf([
        `From: ${email.toUpperCase()}`,
        'To: info@zorgsom.nl',
        'Subject: Re: Privacy',
        'Date: Tue, 1 Dec 2026 11:45:00 +0100',
        `Message-ID: <${Date.now()}.bsn@icloud.com>`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        `Staat in het overzicht ook wat u van mijn patiënt mevrouw De Jong weet? Haar BSN is ${bsn.slice(0, 3)} ${bsn.slice(3, 6)} ${bsn.slice(6)}.`,
        '',
        'Verzonden vanaf mijn iPhone',
      ]),
    );
    const [linked, ...extra4] = await newMails();
    expect(extra4).toEqual([]);
    // To the address on record (lower case, as registered), telling the existing reference and its own.
    expect(linked?.to).toEqual([email]);
    expect(linked?.subject).toBe(`Uw privacyverzoek ${overviewRef}: bericht ontvangen`);
    expect(linked?.text).toContain(`al een verzoek lopen met kenmerk ${overviewRef}`);
    expect(linked?.text).toContain('ZorgSom neemt geen patiëntgegevens aan');
    const linkedRef = /kenmerk van dit bericht: (P-[0-9A-Z]{8})/.exec(linked?.text ?? '')?.[1];
    expect(linkedRef).toMatch(/^P-/);

    // 5. 14:00, an opt-out, DMARC aligned: applied at once, and confirmed by mail.
    await send(
      email,
      crlf([
        `From: ${name} <${email}>`,
        'To: info@zorgsom.nl',
        'Subject: Afmelden',
        'Date: Tue, 1 Dec 2026 14:00:00 +0100',
        `Message-ID: <${Date.now()}.optout@mail.example.nl>`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Graag geen nieuwsbrief en reclame meer.',
        '',
        'Verzonden vanaf mijn iPhone',
      ]),
    );
    const [optedOut, ...extra5] = await newMails();
    expect(extra5).toEqual([]);
    expect(optedOut?.subject).toMatch(/^Afgemeld voor informatie \(P-[0-9A-Z]{8}\)/);
    const optOutRef = referenceOf(optedOut?.subject);
    expect((await api.call('GET', '/api/me', { token })).body.marketingOptOut).toBe(true);

    // Five mails, five references, each answered: none swallowed by the 24-hour rule.
    const references = [overviewRef, deletionRef, complaintRef, linkedRef, optOutRef];
    expect(new Set(references).size).toBe(5);
    const replies = (await api.mailsTo(email)).slice(before);
    expect(replies).toHaveLength(7);
    // The answers to the mails are automatic replies in the RFC 3834 sense (no auto-responder answers them).
    for (const reply of [overviewCode, deletionCode, complaintCode, linked, optedOut])
      expect(reply?.headers['Auto-Submitted']).toBe('auto-replied');

    // What the licensee sees in the portal: the same five, the BSN one linked to the open overview.
    const mine = (await api.call('GET', '/api/me/privacy-requests', { token })).body.requests as {
      reference: string;
      type: string;
      status: string;
      channel: string;
    }[];
    expect(
      mine.map(({ reference, type, status, channel }) => ({ reference, type, status, channel })).reverse(),
    ).toEqual([
      { reference: overviewRef, type: 'overview', status: 'awaiting-confirmation', channel: 'email' },
      { reference: deletionRef, type: 'deletion', status: 'awaiting-staff-approval', channel: 'email' },
      { reference: complaintRef, type: 'complaint', status: 'open', channel: 'email' },
      { reference: linkedRef, type: 'overview', status: 'linked', channel: 'email' },
      { reference: optOutRef, type: 'marketing-opt-out', status: 'completed', channel: 'email' },
    ]);

    // The texts kept are the sender's own words, decoded (latin-1 included), without the quoted history.
    const licenseeId = (await deps.repo.findEmailOwner(await deps.blindIndex.of(email)))!.licenseeId;
    const stored = await deps.requests.listRequests(licenseeId);
    const byRef = (reference: string | undefined) => stored.find((r) => r.reference === reference)!;
    const textOf = (request: StoredPrivacyRequest) => openMessage(deps, request);
    expect(await textOf(byRef(overviewRef))).toContain('Graag ontvang ik toch een overzicht');
    expect(await textOf(byRef(overviewRef))).not.toContain('Dien een klacht in');
    expect(await textOf(byRef(deletionRef))).toContain('Mijn licentie is beëindigd');
    expect(await textOf(byRef(deletionRef))).toContain('Renée');

    // Nothing of the BSN is kept: no text on the request, the raw mail gone, no item holds it in plaintext.
    const withBsn = byRef(linkedRef);
    expect(withBsn).toMatchObject({ patientDataWithheld: true, linkedTo: byRef(overviewRef).requestId });
    expect(withBsn.message).toBeUndefined();
    expect(withBsn.s3Objects?.length).toBe(1);
    for (const key of withBsn.s3Objects ?? []) {
      await expect(deps.rawMail.get(key)).rejects.toBeInstanceOf(RawMailMissingError);
    }
    for (const request of stored) expect((await textOf(request)) ?? '').not.toMatch(/123\s?456\s?782/);
    const items = await api.dynamodb.send(new ScanCommand({ TableName: api.env.TABLE_NAME }));
    const dump = JSON.stringify(items.Items, (_key, value: unknown) =>
      value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value,
    );
    expect(dump).not.toMatch(/123\s?456\s?782/);
    expect(dump).not.toContain('De Jong');
    for (const mail of replies) expect(`${mail.subject}\n${mail.text}`).not.toMatch(/123\s?456\s?782/);
    expect(captured.join('')).not.toMatch(/123\s?456\s?782/);
    // No mail needed a retry or went to the dead letters.
    expect(await readdir(intake.smtp!.deadLetters)).toEqual([]);
  });
});
