import { policy } from '../../domain/policy.js';
import { bilingual } from '../mail-templates.js';
import type { MailLanguage, OutgoingMail } from '../ports.js';

const date = (iso: string) => iso.slice(0, 10);
const authority = policy.controller.supervisoryAuthority;

/**
 * Staff's answers on a request. The reason or response is staff's own text, written for the licensee. Each is a
 * `decision` for the sending policy: never held back by the licensee's daily budget.
 */
const decisionMailsIn = (language: MailLanguage) => {
  const say = (to: string, subject: { nl: string; en: string }, nl: string, en: string) =>
    bilingual(to, subject, nl, en, language);
  return {
    extended: (to: string, reference: string, dueAt: string, reason: string) =>
      say(
        to,
        {
          nl: `Uw privacyverzoek ${reference}: meer tijd nodig`,
          en: `Your privacy request ${reference}: more time needed`,
        },
        `Wij hebben meer tijd nodig om uw verzoek ${reference} te behandelen. U krijgt uiterlijk ${date(dueAt)} antwoord.\nReden: ${reason}`,
        `We need more time to handle your request ${reference}. You will have our answer by ${date(dueAt)}.\nReason: ${reason}`,
      ),
    answered: (to: string, reference: string, response: string) =>
      say(
        to,
        {
          nl: `Antwoord op uw privacyverzoek ${reference}`,
          en: `Answer to your privacy request ${reference}`,
        },
        // Staff's own words, as written (staff see the licensee's language with their data: `licensees show`).
        `${response}\n\nKenmerk: ${reference}`,
        `${response}\n\nReference: ${reference}`,
      ),
    /** A refusal always names its reason and the right to complain to the supervisory authority. */
    refused: (to: string, reference: string, reason: string) =>
      say(
        to,
        {
          nl: `Uw privacyverzoek ${reference} is afgewezen`,
          en: `Your privacy request ${reference} was refused`,
        },
        `Wij hebben uw verzoek ${reference} afgewezen.\nReden: ${reason}\n\nBent u het hier niet mee eens? U hebt het recht een klacht in te dienen bij de ${authority} (autoriteitpersoonsgegevens.nl), en u kunt naar de rechter stappen.`,
        `We have refused your request ${reference}.\nReason: ${reason}\n\nIf you disagree, you have the right to lodge a complaint with the ${authority} (the Dutch data protection authority, autoriteitpersoonsgegevens.nl), and to seek a judicial remedy.`,
      ),
    deleted: (to: string, reference: string) =>
      say(
        to,
        { nl: `Uw gegevens zijn verwijderd (${reference})`, en: `Your data has been deleted (${reference})` },
        `Op uw verzoek ${reference} hebben wij uw licentie beëindigd en al uw persoonsgegevens verwijderd. Dit is het laatste bericht dat u van ons ontvangt.`,
        `As you asked in request ${reference}, we have ended your licence and deleted all your personal data. This is the last message you will receive from us.`,
      ),
  };
};
type DecisionMails = ReturnType<typeof decisionMailsIn>;

/** Staff's decision mails in the licensee's language (`languageOf(profile)`). */
export function staffRequestMailsIn(language: MailLanguage): DecisionMails {
  return Object.fromEntries(
    Object.entries(decisionMailsIn(language)).map(([template, make]) => [
      template,
      (...args: never[]) => ({
        ...(make as (...a: never[]) => OutgoingMail)(...args),
        kind: 'decision',
        template: `staff-${template}`,
      }),
    ]),
  ) as DecisionMails;
}
