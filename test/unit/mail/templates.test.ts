import { describe, expect, it } from 'vitest';
import type { StoredBreach } from '../../../shared/domain/breach.js';
import { requestTypes, type PrivacyRequestType } from '../../../shared/domain/privacy-request.js';
import type { MailLanguage } from '../../../shared/domain/sending-policy.js';
import { mailTemplateNames, mailsIn } from '../../../shared/services/mail-templates.js';
import type { OutgoingMail } from '../../../shared/services/ports.js';
import * as requestMails from '../../../shared/services/requests/request-mails.js';
import type { MailContext } from '../../../shared/services/requests/request-mails.js';
import { breachNotice } from '../../../shared/services/staff/breaches.js';
import { staffInboxMails } from '../../../shared/services/staff/inbox-mails.js';
import {
  marketingMail,
  marketingTemplateIds,
  type MarketingTemplateId,
} from '../../../shared/services/staff/marketing.js';
import { staffRequestMailsIn } from '../../../shared/services/staff/request-mails.js';
import { statementNoticeMail } from '../../../shared/services/statement-notice.js';

/**
 * Every template ZorgSom mails, rendered in Dutch, in English and in both: each language's words only in its
 * own rendering, both in the bilingual one, text and HTML parts, no remote content, and the portal's wording.
 * A template whose English (or Dutch) text is missing or a copy of the other language fails here.
 */

const portal = 'https://portal.example';
const to = 'licensee@example.nl';
// Staff's own words and a name carry no language, so the template's own words must make it Dutch or English.
const staffText = '[…]';
const name = 'J. Jansen';

type Render = (language: MailLanguage) => OutgoingMail;

const licenseeMails: Record<(typeof mailTemplateNames)[number], Render> = {
  signupCode: (l) => mailsIn(l).signupCode(to, '123456', portal, { name, ibanLast4: '4300' }),
  alreadyRegistered: (l) => mailsIn(l).alreadyRegistered(to, portal),
  signInCode: (l) => mailsIn(l).signInCode(to, '123456', `${portal}/sign-in.html#link=x.y`),
  signInNoLicence: (l) => mailsIn(l).signInNoLicence(to, portal),
  emailChangeCode: (l) => mailsIn(l).emailChangeCode(to, '123456'),
  profileChanged: (l) => mailsIn(l).profileChanged(to, ['name', 'address', 'iban'], portal),
  emailChanged: (l) => mailsIn(l).emailChanged(to, `${portal}/not-me.html#t`),
  emailInUse: (l) => mailsIn(l).emailInUse(to),
  budgetReviewRequested: (l) =>
    mailsIn(l).budgetReviewRequested(to, name, portal, '2027-01-31T00:00:00.000Z'),
  marketingPreference: (l) => mailsIn(l).marketingPreference(to, true),
};

const context = (language: MailLanguage, type: PrivacyRequestType = 'overview'): MailContext => ({
  to,
  reference: 'PR-ABCD-1234',
  type,
  patientData: true,
  language,
  inResponseTo: 'ses-message-id',
});

const workflowMails: Record<string, Render> = {
  'request-confirmation': (l) =>
    requestMails.confirmation(context(l), {
      code: '123456',
      link: `${portal}/confirm-request.html#PR-ABCD-1234.123456`,
      validUntil: '2026-12-15T00:00:00.000Z',
      reminder: false,
    }),
  'request-reminder': (l) =>
    requestMails.confirmation(context(l), {
      code: '123456',
      link: `${portal}/confirm-request.html#PR-ABCD-1234.123456`,
      validUntil: '2026-12-15T00:00:00.000Z',
      reminder: true,
    }),
  'general-acknowledgement': (l) =>
    requestMails.generalAcknowledgement({
      to,
      reference: 'IN-ABCD',
      dueAt: '2027-01-01T00:00:00.000Z',
      patientData: true,
      inResponseTo: 'ses-message-id',
      language: l,
    }),
  'request-linked-waiting': (l) =>
    requestMails.linked(context(l), {
      existing: {
        reference: 'PR-EFGH-5678',
        status: 'awaiting-confirmation',
        dueAt: '2027-01-01T00:00:00.000Z',
      },
    }),
  'request-linked-open': (l) =>
    requestMails.linked(context(l), {
      existing: { reference: 'PR-EFGH-5678', status: 'open', dueAt: '2027-01-01T00:00:00.000Z' },
    }),
  ...Object.fromEntries(
    requestTypes.map((type): [string, Render] => [
      `request-outcome-${type}`,
      (l) => requestMails.outcome(context(l, type), { portalUrl: portal, dueAt: '2027-01-01T00:00:00.000Z' }),
    ]),
  ),
};

const breach = {
  description: staffText,
  likelyConsequences: staffText,
  followUp: staffText,
} as StoredBreach;

const staffMails: Record<string, Render> = {
  'staff-extended': (l) =>
    staffRequestMailsIn(l).extended(to, 'PR-ABCD-1234', '2027-03-01T00:00:00.000Z', staffText),
  'staff-answered': (l) => staffRequestMailsIn(l).answered(to, 'PR-ABCD-1234', staffText),
  'staff-refused': (l) => staffRequestMailsIn(l).refused(to, 'PR-ABCD-1234', staffText),
  'staff-deleted': (l) => staffRequestMailsIn(l).deleted(to, 'PR-ABCD-1234'),
  'inbox-answer': (l) =>
    staffInboxMails.answer({ to, reference: 'IN-ABCD', subject: 'Re: [x]', text: staffText, language: l }),
  'breach-notice': (l) => breachNotice(to, name, breach, staffText, l),
  'statement-notice': (l) => statementNoticeMail(to, name, portal, l),
  ...Object.fromEntries(
    marketingTemplateIds.map((template: MarketingTemplateId): [string, Render] => [
      `marketing-${template}`,
      (l) => marketingMail(to, name, template, `${portal}/api/marketing/unsubscribe?token=t`, portal, l),
    ]),
  ),
};

const everyTemplate = { ...licenseeMails, ...workflowMails, ...staffMails };

// Words that only one of the two languages uses (whole words, case-insensitive).
const dutch = /\b(?:u|uw|wij|ons|het|een|geen|niet|voor|bij|van|kenmerk|ontvangen|gegevens)\b/i;
const english = /\b(?:the|your|you|we|our|this|with|reference|received|data)\b/i;

/** The mail's own words: URLs, the reference codes and the layout's footer say nothing about its language. */
const wordsOf = (text: string) => text.split('\n-- \n')[0]!.replace(/https?:\/\/\S+/g, ' ');
const htmlWords = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z#0-9]+;/gi, ' ')
    .replace(/https?:\/\/\S+/g, ' ');

function expectSound(mail: OutgoingMail) {
  expect(mail.subject.trim()).not.toBe('');
  expect(mail.text.trim()).not.toBe('');
  expect(mail.html).toMatch(/^<!DOCTYPE html>/);
  const html = mail.html!;
  // No remote content: no images, frames, stylesheets, scripts or CSS urls.
  expect(html).not.toMatch(/<(?:img|iframe|link|script|object|embed|style)\b/i);
  expect(html).not.toMatch(/url\(|\bsrc=/i);
  // Every link, in either part, goes to the portal.
  for (const url of [
    ...mail.text.matchAll(/https?:\/\/[^\s<>"]+/g),
    ...html.matchAll(/https?:\/\/[^\s<>"]+/g),
  ])
    expect(url[0].replace(/[.,;:)]+$/, '')).toMatch(new RegExp(`^${portal.replaceAll('.', '\\.')}(?:/|$)`));
  // The portal says "hebt u"; so do the mails.
  for (const part of [mail.subject, mail.text, html]) expect(part).not.toMatch(/heeft u\b/i);
}

describe.each(Object.entries(everyTemplate))('the %s mail', (_template, render) => {
  it('in Dutch: Dutch words only, text and HTML', () => {
    const mail = render('nl');
    expectSound(mail);
    expect(wordsOf(mail.text)).toMatch(dutch);
    expect(wordsOf(mail.text)).not.toMatch(english);
    expect(mail.subject).not.toMatch(english);
    expect(mail.html).toContain('<html lang="nl">');
    expect(htmlWords(mail.html!)).not.toMatch(english);
  });

  it('in English: English words only, text and HTML', () => {
    const mail = render('en');
    expectSound(mail);
    expect(wordsOf(mail.text)).toMatch(english);
    expect(wordsOf(mail.text)).not.toMatch(dutch);
    expect(mail.subject).not.toMatch(dutch);
    expect(mail.html).toContain('<html lang="en">');
    expect(htmlWords(mail.html!)).not.toMatch(dutch);
  });

  it('in both (to an unknown sender): Dutch first, then English, in both parts', () => {
    const mail = render('nl+en');
    expectSound(mail);
    const words = wordsOf(mail.text);
    expect(words).toMatch(dutch);
    expect(words).toMatch(english);
    expect(words.search(dutch)).toBeLessThan(words.search(english));
    expect(htmlWords(mail.html!)).toMatch(dutch);
    expect(htmlWords(mail.html!)).toMatch(english);
  });
});

describe('the templates', () => {
  it('cover every mail of the licensee flows', () => {
    expect(Object.keys(licenseeMails).sort()).toEqual([...mailTemplateNames].sort());
  });

  it('write the language they were rendered in on the mail', () => {
    for (const render of Object.values(everyTemplate))
      for (const language of ['nl', 'en', 'nl+en'] as const) expect(render(language).language).toBe(language);
  });

  it('mail an unknown sender in both languages, whatever the caller', () => {
    const mail = requestMails.unknownSender({
      to,
      portalUrl: portal,
      patientData: true,
      inResponseTo: 'ses-message-id',
    });
    expectSound(mail);
    expect(mail.language).toBe('nl+en');
    expect(wordsOf(mail.text)).toMatch(dutch);
    expect(wordsOf(mail.text)).toMatch(english);
  });
});
