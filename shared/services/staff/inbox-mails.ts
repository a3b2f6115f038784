import { policy } from '../../domain/policy.js';
import type { OutgoingMail } from '../ports.js';

const replyPrefix = /^\s*(?:(?:re|antw|aw|sv|fw|fwd|wg|tr)\s*:\s*)+/i;

/** Staff's answers from the inbox: a person's words, so not auto-submitted (kind `answer`). */
export const staffInboxMails = {
  answer({
    to,
    reference,
    subject,
    text,
  }: {
    to: string;
    reference: string;
    subject: string;
    text: string;
  }): OutgoingMail {
    const original = subject.replace(replyPrefix, '').trim();
    return {
      to,
      kind: 'answer',
      template: 'inbox-answer',
      subject: `Re: ${original || 'uw bericht'} [${reference}]`,
      text: `${text}\n\n-- \n${policy.controller.name} · ${policy.controller.contactEmail} · kenmerk ${reference}`,
    };
  },
};
