import { renderMail } from '../../mail/layout.js';
import type { MailLanguage, OutgoingMail } from '../ports.js';

const replyPrefix = /^\s*(?:(?:re|antw|aw|sv|fw|fwd|wg|tr)\s*:\s*)+/i;

const referenceLabel: Record<MailLanguage, string> = {
  nl: 'Kenmerk',
  en: 'Reference',
  'nl+en': 'Kenmerk / reference',
};

/**
 * Staff's answers from the inbox: a person's words, so not auto-submitted (kind `answer`), written once in
 * whatever language staff chose. The frame around them (the reference, the layout's footer) is in the
 * licensee's language, or both to a sender we do not know.
 */
export const staffInboxMails = {
  answer({
    to,
    reference,
    subject,
    text,
    language,
  }: {
    to: string;
    reference: string;
    subject: string;
    text: string;
    language: MailLanguage;
  }): OutgoingMail {
    const original = subject.replace(replyPrefix, '').trim();
    const fallback = language === 'en' ? 'your message' : 'uw bericht';
    const texts = {
      subject: `Re: ${original || fallback} [${reference}]`,
      body: `${text}\n\n${referenceLabel[language]}: ${reference}`,
    };
    // The staff member's text is not repeated per language: one section, in the frame's first language.
    const rendered = renderMail({ nl: texts, en: texts }, language === 'nl+en' ? 'nl' : language);
    return { to, kind: 'answer', template: 'inbox-answer', language, ...rendered };
  },
};
