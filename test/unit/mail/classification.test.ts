import { describe, expect, it } from 'vitest';
import { verdictsFromHeaders } from '../../../local/smtp-server.js';
import {
  automaticReason,
  detectIntent,
  isPrivacySubject,
  ownText,
  routeOf,
  senderAuthenticated,
  type InboundMail,
  type Verdicts,
} from '../../../shared/domain/mail-classification.js';
import {
  dueDateOf,
  findLinkTarget,
  openShardOf,
  referenceSchema,
  newReference,
  type StoredPrivacyRequest,
} from '../../../shared/domain/privacy-request.js';

const pass: Verdicts = { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' };
const mail = (overrides: Partial<InboundMail> = {}): InboundMail => ({
  from: 'a@example.nl',
  envelopeSender: 'a@example.nl',
  subject: 'Privacy',
  text: '',
  headers: new Map(),
  contentType: 'text/plain',
  attachmentTexts: [],
  ...overrides,
});

describe('intent, Dutch and English', () => {
  it.each([
    ['Privacy', 'Graag inzage in mijn gegevens', 'overview'],
    ['Privacy', 'Kunt u mij een overzicht sturen?', 'overview'],
    ['Privacy request', 'Please send a copy of my data', 'overview'],
    ['Privacy', 'Mijn adres wijzigen graag', 'correction'],
    ['Privacy', 'Wilt u mijn gegevens corrigeren?', 'correction'],
    ['Privacy', 'Graag mijn IBAN aanvullen', 'correction'],
    ['Privacy', 'Please correct my address', 'correction'],
    ['Privacy', 'Graag alles verwijderen', 'deletion'],
    ['Privacy', 'Ik wil vergeten worden', 'deletion'],
    ['Privacy', 'Please erase my data', 'deletion'],
    ['Privacy', 'Graag afmelden', 'marketing-opt-out'],
    ['Privacy', 'Geen reclame meer a.u.b.', 'marketing-opt-out'],
    ['Privacy', 'Geen marketing meer', 'marketing-opt-out'],
    ['Privacy', 'Verwijder mij van de mailinglijst', 'marketing-opt-out'],
    ['Privacy', 'Please unsubscribe me', 'marketing-opt-out'],
    ['Privacy', 'Ik heb een klacht', 'complaint'],
    ['Privacy', 'Klacht: mijn gegevens zijn niet verwijderd', 'complaint'],
    ['Privacy', 'I want to complain', 'complaint'],
    ['Privacy', 'Hoe lang bewaren jullie mijn gegevens?', 'question'],
    ['Privacy', 'Inzage en daarna verwijderen', 'question'],
    ['Privacy', '', 'question'],
  ] as const)('%s / %s → %s', (subject, body, type) => {
    expect(detectIntent(subject, body).type).toBe(type);
  });

  it('ignores quoted lines and what follows a reply or forward separator', () => {
    const body =
      'Graag inzage.\n\nOp 6 mrt 2026 om 10:00 schreef ZorgSom <privacy@zorgsom.nl>:\n> Meld u af met één klik';
    expect(ownText(body)).toBe('Graag inzage.');
    expect(detectIntent('Re: Privacy', body).type).toBe('overview');
    expect(ownText('Verwijder alles\n\n-----Original Message-----\nFrom: x\nGraag inzage')).toBe(
      'Verwijder alles',
    );
    expect(ownText('Zie hieronder\n________________________________\nVan: x\nVerzonden: y\nafmelden')).toBe(
      'Zie hieronder',
    );
  });
});

describe('the Privacy subject', () => {
  it.each([
    'Privacy',
    'privacy',
    'PRIVACY',
    'Re: Privacy',
    'Fwd: Privacy verzoek',
    'Antw: privacy',
    'Doorst: Privacy',
    'Privacyverzoek',
    'Vraag over prívacy',
  ])('%s is a privacy subject', (subject) => expect(isPrivacySubject(subject)).toBe(true));
  it('others are not', () => expect(isPrivacySubject('Factuur februari')).toBe(false));
});

describe('RFC 3834: automatic mail is recognised', () => {
  it.each([
    [{ headers: new Map([['auto-submitted', 'auto-replied']]) }, 'auto-submitted'],
    [{ headers: new Map([['auto-submitted', 'auto-generated']]) }, 'auto-submitted'],
    [{ contentType: 'multipart/report; report-type=delivery-status' }, 'bounce'],
    [{ envelopeSender: '' }, 'bounce'],
    [{ envelopeSender: '<>' }, 'bounce'],
    [{ from: 'mailer-daemon@example.com' }, 'bounce'],
    [{ from: 'postmaster@example.com' }, 'bounce'],
    [{ headers: new Map([['list-id', '<x.lists.example>']]) }, 'list'],
    [{ headers: new Map([['list-unsubscribe', '<mailto:x>']]) }, 'list'],
    [{ headers: new Map([['precedence', 'bulk']]) }, 'bulk'],
    [{ headers: new Map([['precedence', 'junk']]) }, 'bulk'],
    [{ headers: new Map([['precedence', 'list']]) }, 'bulk'],
    [{ headers: new Map([['x-autoreply', 'yes']]) }, 'auto-reply'],
    [{ subject: 'Afwezigheidsmelding: Privacy' }, 'auto-reply'],
    [{ subject: 'Automatisch antwoord: Privacy' }, 'auto-reply'],
    [{ subject: 'Out of Office: Privacy' }, 'auto-reply'],
  ] as const)('%o → %s', (overrides, reason) => {
    expect(automaticReason(mail(overrides as Partial<InboundMail>))).toBe(reason);
  });
  it('a person’s mail, and Auto-Submitted: no, are not automatic', () => {
    expect(automaticReason(mail())).toBeUndefined();
    expect(automaticReason(mail({ headers: new Map([['auto-submitted', 'no']]) }))).toBeUndefined();
  });
});

describe('routes and verdicts', () => {
  it('virus or spam FAIL quarantines before anything else', () => {
    expect(routeOf(mail(), { ...pass, virus: 'FAIL' })).toEqual({ kind: 'quarantine', reason: 'virus' });
    expect(routeOf(mail(), { ...pass, spam: 'FAIL' })).toEqual({ kind: 'quarantine', reason: 'spam' });
  });
  it('an opt-out is recognised whatever the subject; anything else without "Privacy" is general', () => {
    expect(routeOf(mail({ subject: 'Hallo', text: 'Graag afmelden' }), pass)).toEqual({
      kind: 'privacy',
      type: 'marketing-opt-out',
    });
    expect(routeOf(mail({ subject: 'Hallo', text: 'Mijn factuur?' }), pass)).toEqual({ kind: 'general' });
  });
  it('sender authentication: SPF or DKIM pass, and DMARC pass', () => {
    expect(senderAuthenticated(pass)).toBe(true);
    expect(senderAuthenticated({ ...pass, spf: 'FAIL' })).toBe(true);
    expect(senderAuthenticated({ ...pass, spf: 'FAIL', dkim: 'FAIL' })).toBe(false);
    expect(senderAuthenticated({ ...pass, dmarc: 'GRAY' })).toBe(false);
    expect(senderAuthenticated({ ...pass, dmarc: 'FAIL' })).toBe(false);
  });
  it('local SMTP: verdicts PASS unless X-Test-Verdict-* headers say otherwise', () => {
    const raw = Buffer.from(
      'From: a@b.nl\r\nX-Test-Verdict-Dmarc: FAIL\r\nx-test-verdict-virus: fail\r\nX-Test-Verdict-Spf: nonsense\r\n\r\nX-Test-Verdict-Spam: FAIL\r\n',
    );
    expect(verdictsFromHeaders(raw)).toEqual({
      spam: 'PASS',
      virus: 'FAIL',
      spf: 'PASS',
      dkim: 'PASS',
      dmarc: 'FAIL',
    });
  });
});

describe('request rules', () => {
  const request = (overrides: Partial<StoredPrivacyRequest>): StoredPrivacyRequest => ({
    requestId: 'r1',
    reference: 'P-00000000',
    licenseeId: 'l',
    type: 'overview',
    channel: 'email',
    status: 'open',
    receivedAt: '2026-01-01T00:00:00.000Z',
    dueAt: '2026-02-01T00:00:00.000Z',
    history: [],
    version: 1,
    ...overrides,
  });
  it('due one month after receipt, clamped to the month end', () => {
    expect(dueDateOf(new Date('2026-01-31T10:00:00Z')).toISOString()).toBe('2026-02-28T10:00:00.000Z');
  });
  it('links to an unfinished request of the same type; questions and complaints are never linked', () => {
    expect(findLinkTarget([request({ status: 'awaiting-confirmation' })], 'overview')?.requestId).toBe('r1');
    expect(findLinkTarget([request({ status: 'completed' })], 'overview')).toBeUndefined();
    expect(findLinkTarget([request({ status: 'open' })], 'deletion')).toBeUndefined();
    expect(findLinkTarget([request({ type: 'question', status: 'open' })], 'question')).toBeUndefined();
  });
  it('the open-requests shard follows the status; a finished request leaves the index', () => {
    expect(openShardOf({ status: 'open' })).toBe('OPEN');
    expect(openShardOf({ status: 'awaiting-staff-approval' })).toBe('OPEN');
    expect(openShardOf({ status: 'awaiting-confirmation' })).toBe('UNCONFIRMED');
    expect(openShardOf({ status: 'completed', pendingStep: 'notify' })).toBe('RETRY');
    expect(openShardOf({ status: 'completed' })).toBeUndefined();
    expect(openShardOf({ status: 'linked' })).toBeUndefined();
  });
  it('references are P- and eight Crockford characters', () => {
    for (let i = 0; i < 50; i++) expect(referenceSchema.safeParse(newReference()).success).toBe(true);
    expect(referenceSchema.parse('p-7k3m9q2x')).toBe('P-7K3M9Q2X');
  });
});
