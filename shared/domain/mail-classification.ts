import { detectIntent, fold } from './mail-intent.js';
import { containsBsn } from './patient-guard.js';
import { policy } from './policy.js';
import type { PrivacyRequestType } from './privacy-request.js';

export { detectIntent, fold, ownText, type Intent } from './mail-intent.js';

/**
 * What an inbound mail to info@ is, decided from its parsed form and SES's verdicts. Pure: the MIME parsing
 * happens in the intake service, the effects in the request workflow.
 */

/** A parsed inbound mail, reduced to what the decisions need. */
export interface InboundMail {
  /** The From address, trimmed and lowercased; undefined when there is none that parses. */
  from: string | undefined;
  /** The SMTP envelope sender (SES `mail.source`, or Return-Path); '' for a bounce's null sender. */
  envelopeSender: string;
  subject: string;
  /** The plain-text body (HTML-only mail converted to text). */
  text: string;
  /** Header names lowercased, values as decoded strings (first occurrence). */
  headers: ReadonlyMap<string, string>;
  /** The top-level Content-Type, lowercased, with parameters. */
  contentType: string;
  /** Decoded contents of text-like attachments (text/*, CSV, JSON, XML), for the patient-data guard. */
  attachmentTexts: readonly string[];
}

export type VerdictStatus = 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED' | 'DISABLED';
export interface Verdicts {
  spam: VerdictStatus;
  virus: VerdictStatus;
  spf: VerdictStatus;
  dkim: VerdictStatus;
  dmarc: VerdictStatus;
}

/** SPF or DKIM passed and DMARC passed, i.e. one of them is aligned with the From domain. */
export function senderAuthenticated(verdicts: Verdicts): boolean {
  return (verdicts.spf === 'PASS' || verdicts.dkim === 'PASS') && verdicts.dmarc === 'PASS';
}

export function quarantineReason(verdicts: Verdicts): 'virus' | 'spam' | undefined {
  if (verdicts.virus === 'FAIL') return 'virus';
  if (verdicts.spam === 'FAIL') return 'spam';
  return undefined;
}

export type AutomaticReason = 'auto-submitted' | 'bounce' | 'feedback' | 'list' | 'bulk' | 'auto-reply';

/**
 * Out-of-office and vacation subjects in Dutch, English, German and French, at the start of the subject
 * (after any "Re:"/"AW:"): "Automatisch antwoord:", "Afwezig:", "Out of Office", "Abwesenheitsnotiz",
 * "Réponse automatique"...
 */
const autoReplySubject = new RegExp(
  '^\\s*(?:(?:re|aw|antw|wg|fw|fwd|tr)\\s*:\\s*)*(?:' +
    [
      'afwezigheidsmelding',
      'afwezig\\b',
      'niet aanwezig',
      'automatisch antwoord',
      'automatische? (?:reactie|beantwoording|antwoord)',
      'ontvangstbevestiging',
      'out of (?:the )?office',
      'automatic reply',
      'auto(?:matic)?[- ]?(?:reply|response|responder)',
      'away\\s*:',
      'on vacation',
      'abwesenheitsnotiz',
      'abwesend\\b',
      'automatische antwort',
      'eingangsbest[aä]tigung',
      'urlaub\\b',
      'r[ée]ponse automatique',
      'absent(?:e)?\\b',
      'absence du bureau',
      "message d'absence",
      'accus[ée] de r[ée]ception',
    ].join('|') +
    ')',
  'i',
);

/** Delivery-failure and delay subjects as the common MTAs write them, in the common languages. */
const deliveryFailureSubject = new RegExp(
  '^\\s*(?:' +
    [
      'undeliverable\\b',
      'undelivered mail',
      'mail delivery failed',
      'delivery status notification',
      'delivery (?:failure|has failed|delayed|notification)',
      'message delivery failure',
      'returned mail\\b',
      'failure notice',
      'mail system error',
      'delayed mail',
      'warning: (?:could not send message|message .* delayed)',
      'onbestelbaar\\b',
      'niet bezorgd',
      'bezorging vertraagd',
      'bericht kon niet worden (?:afgeleverd|bezorgd)',
      'unzustellbar\\b',
      'nicht zustellbar',
      'zustellung (?:fehlgeschlagen|verz[öo]gert)',
      'non remis\\b',
      '[ée]chec de (?:la )?remise',
      'non recapitabile',
      'no se puede entregar',
      'n[ãa]o [ée] poss[íi]vel entregar',
    ].join('|') +
    ')',
  'i',
);

/**
 * Senders that are machines: MTAs' bounce addresses, Exchange's NDR sender, no-reply and notification-only
 * addresses (`no-reply@sns.amazonaws.com` among them). Matched on the local part of From and of the envelope.
 */
const automaticSender =
  /^(?:mailer-daemon|mail-daemon|maildaemon|postmaster|noreply-dsn|bounces?(?:[+=-].*)?|no-?reply(?:[+._-].*)?|do-?not-?reply(?:[+._-].*)?|donotreply|microsoftexchange[0-9a-f]{8,}|.*-noreply|.*-bounces?|listserv|majordomo|autoreply|autoresponder)$/i;

const localPart = (address: string) => {
  const bare = address.trim().replace(/^<|>$/g, '');
  const at = bare.lastIndexOf('@');
  return at === -1 ? bare : bare.slice(0, at);
};
const isAutomaticSender = (address: string | undefined) =>
  address !== undefined && address !== '' && automaticSender.test(localPart(address));

/**
 * RFC 3834 §2 and what MTAs and clients actually send: automatic mail is recognised from the message itself,
 * whatever the envelope sender (forwarders and SRS rewrite a bounce's null sender into a real address):
 * `multipart/report` (DSN, ARF feedback, read receipts), `Auto-Submitted` other than `no`, the vendor headers
 * (`X-Autoreply`, `X-Autorespond`, `X-Autogenerated`, `X-Auto-Response-Suppress`, Exchange's NDR markers,
 * `X-Failed-Recipients`), `Precedence` bulk/junk/list/auto_reply, any `List-*` header, machine senders
 * (mailer-daemon, postmaster, no-reply...), and delivery-failure or out-of-office subjects.
 */
export function automaticReason(mail: InboundMail): AutomaticReason | undefined {
  const header = (name: string) => mail.headers.get(name)?.trim().toLowerCase();
  const has = (name: string) => mail.headers.has(name);

  if (mail.contentType.startsWith('multipart/report')) {
    return /report-type\s*=\s*"?feedback-report/.test(mail.contentType) ? 'feedback' : 'bounce';
  }
  const autoSubmitted = header('auto-submitted');
  if (autoSubmitted && !/^no\b/.test(autoSubmitted)) return 'auto-submitted';
  if (
    mail.envelopeSender.trim() === '' ||
    mail.envelopeSender.trim() === '<>' ||
    has('x-failed-recipients') ||
    has('x-ms-exchange-message-is-ndr') ||
    /^ndr/i.test(header('x-ms-exchange-generated-message-source') ?? '') ||
    isAutomaticSender(mail.from) ||
    deliveryFailureSubject.test(mail.subject)
  ) {
    return 'bounce';
  }
  if ([...mail.headers.keys()].some((name) => name.startsWith('list-'))) return 'list';
  const precedence = header('precedence') ?? header('x-precedence');
  if (precedence && /^(?:bulk|junk|list)\b/.test(precedence)) return 'bulk';
  if (
    (precedence && /^auto[_-]?reply\b/.test(precedence)) ||
    has('x-autoreply') ||
    has('x-autorespond') ||
    has('x-autoresponder') ||
    has('x-autogenerated') ||
    has('x-mimecast-autoresponder') ||
    /\b(?:all|oof|autoreply)\b/i.test(header('x-auto-response-suppress') ?? '') ||
    autoReplySubject.test(mail.subject)
  )
    return 'auto-reply';
  // A machine envelope sender (SRS keeps the original local part at the end) with nothing else to say.
  if (isAutomaticSender(mail.envelopeSender.split('=').at(-1))) return 'bounce';
  return undefined;
}

/** The subject names the privacy keyword (statement: "onder vermelding van 'Privacy'"), after any Re:/Fwd:. */
export function isPrivacySubject(subject: string): boolean {
  return fold(subject).includes(fold(policy.controller.privacySubjectKeyword));
}

/** Whether the mail holds a valid BSN anywhere the sender put text: subject, body or a text attachment. */
export function mailContainsPatientData(mail: InboundMail): boolean {
  return [mail.subject, mail.text, ...mail.attachmentTexts].some((text) => containsBsn(text));
}

export type MailRoute =
  | { kind: 'quarantine'; reason: 'virus' | 'spam' }
  | { kind: 'automatic'; reason: AutomaticReason }
  | { kind: 'privacy'; type: PrivacyRequestType }
  | { kind: 'general' };

/**
 * The route of a mail: quarantine on a virus or spam FAIL; automatic mail is never answered; a subject with
 * "Privacy" is a privacy request of the detected type; a marketing opt-out is honoured whatever the subject
 * (the statement only asks for "a mail to info@"); anything else goes to the staff inbox.
 */
export function routeOf(mail: InboundMail, verdicts: Verdicts): MailRoute {
  const quarantine = quarantineReason(verdicts);
  if (quarantine) return { kind: 'quarantine', reason: quarantine };
  const automatic = automaticReason(mail);
  if (automatic) return { kind: 'automatic', reason: automatic };
  const intent = detectIntent(mail.subject, mail.text);
  if (isPrivacySubject(mail.subject)) return { kind: 'privacy', type: intent.type };
  if (intent.optOut) return { kind: 'privacy', type: 'marketing-opt-out' };
  return { kind: 'general' };
}

/** The object key SES's S3 action writes a message to (`objectKeyPrefix` + message id). */
export const rawMailPrefix = 'inbound/';
export const rawMailKeyOf = (messageId: string) => `${rawMailPrefix}${messageId}`;
