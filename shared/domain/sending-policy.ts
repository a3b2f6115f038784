import { policy } from './policy.js';

/**
 * The one sending policy, applied by the mail-sender to every mail before SES sees it. Pure: the sender
 * supplies what it looked up (suppression, the RFC 3834 window, the day's budget) and carries out the verdict.
 *
 * - Codes and acknowledgements of a new, distinct request are *essential*: always sent within the budget,
 *   never swallowed by the one-reply-per-window rule, sent even to a suppressed address (the person just
 *   asked for them; SES's own account-level suppression still applies).
 * - Every other automatic response to an inbound mail gets at most one per sender per window (RFC 3834 §2).
 * - Non-essential mail is not sent to an address on the suppression list (hard bounces, complaints).
 * - System mail counts against a per-recipient daily budget; staff answers and decisions, staff digests and
 *   marketing do not (no stranger can make us send them, and a request's answer must never be swallowed).
 * - System mail never goes to an address that is itself automatic (mailer-daemon, postmaster, no-reply...).
 */

/**
 * What a mail is, for the one sending policy (shared/domain/sending-policy.ts):
 * - `code`: a one-time code or link the recipient just asked for (sign-in, signup, email change, request);
 * - `acknowledgement`: the first answer to a new, distinct request or message (its reference);
 * - `notice`: anything else the system tells a licensee (outcomes, reminders, security notices);
 * - `staff`: to ZorgSom's own staff mailbox (deadline digests);
 * - `answer`: a staff member's own answer to an inbound mail (a person wrote it: not auto-submitted);
 * - `decision`: a staff member's decision on a request, told to the licensee (extension, answer, refusal,
 *   deletion done, a budget review asked) or staff's notice of a new privacy statement: a person at ZorgSom
 *   triggered it, and the law requires it;
 * - `marketing`: information about products and services (only to those who did not opt out).
 */
export type MailKind = 'code' | 'acknowledgement' | 'notice' | 'staff' | 'answer' | 'decision' | 'marketing';

/** The language a mail is written in; `nl+en` only to senders whose language we cannot know. */
export type MailLanguage = 'nl' | 'en' | 'nl+en';

export const essentialKinds: ReadonlySet<MailKind> = new Set(['code', 'acknowledgement']);
const unbudgetedKinds: ReadonlySet<MailKind> = new Set(['staff', 'answer', 'decision', 'marketing']);

export const isEssential = (kind: MailKind) => essentialKinds.has(kind);
export const countsAgainstBudget = (kind: MailKind) => !unbudgetedKinds.has(kind);

/** Local parts that are machines, not people: a system mail to them could only start a loop. */
const automaticLocalPart =
  /^(?:mailer-daemon|mail-daemon|postmaster|no-?reply|do-?not-?reply|donotreply|bounces?|bounce-.*|noreply-.*|.*-noreply|auto-?reply|autoresponder|daemon|listserv|majordomo|.*-bounces?)$/i;

export function isAutomaticAddress(address: string): boolean {
  const at = address.lastIndexOf('@');
  const local = (at === -1 ? address : address.slice(0, at)).split('+')[0] ?? '';
  return automaticLocalPart.test(local);
}

/** The RFC 3834 header: `auto-replied` answers a mail, `auto-generated` is the system's own; a person's answer has none. */
export function autoSubmittedOf(mail: { kind: MailKind; inResponseTo?: string }): string | undefined {
  if (mail.kind === 'answer') return undefined;
  return mail.inResponseTo ? 'auto-replied' : 'auto-generated';
}

export type DropReason =
  'automatic-recipient' | 'suppressed' | 'auto-reply-window' | 'over-budget' | 'payload-expired';

export interface PolicyFacts {
  kind: MailKind;
  to: string;
  inResponseTo?: string;
  /** The address is on the suppression list (bounce or complaint). */
  suppressed: boolean;
}

/**
 * What to check before a mail may be sent, in order. `throttle` asks for the sender's RFC 3834 slot, `budget`
 * for a unit of the recipient's daily budget; both are then spent by one conditional write each.
 */
export function planDelivery(
  facts: PolicyFacts,
): { drop: DropReason } | { drop?: undefined; throttle: boolean; budget: boolean } {
  const essential = isEssential(facts.kind);
  if (facts.kind !== 'answer' && isAutomaticAddress(facts.to)) return { drop: 'automatic-recipient' };
  if (facts.suppressed && !essential) return { drop: 'suppressed' };
  return {
    throttle: facts.inResponseTo !== undefined && !essential,
    budget: countsAgainstBudget(facts.kind),
  };
}

/** The budget's day: a calendar day in the Netherlands, so "10 a day" means what a licensee thinks it means. */
export function budgetDayOf(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Amsterdam',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

export const sendingLimits = {
  perRecipientPerDay: policy.mail.maxSystemMailsPerRecipientPerDay,
  autoReplyWindowHours: policy.requests.autoReplyWindowHours,
} as const;
