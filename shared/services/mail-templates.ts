import { policy } from '../domain/policy.js';
import type { OutgoingMail } from './ports.js';

/**
 * Every mail the system sends, Dutch first with English below. Mails carry codes and links, never
 * personal data beyond what the recipient typed themselves.
 */
export function bilingual(
  to: string,
  subject: { nl: string; en: string },
  nl: string,
  en: string,
): OutgoingMail {
  const footer = `\n\n-- \n${policy.controller.name} · ${policy.controller.contactEmail}`;
  return { to, subject: `${subject.nl} / ${subject.en}`, text: `${nl}\n\n---\n\n${en}${footer}` };
}

const minutes = policy.signIn.codeTtlMinutes;

export const mails = {
  /** The link carries the code in its #fragment: it never reaches a server log, and the page removes it. */
  signupCode: (to: string, code: string, portalUrl: string) =>
    bilingual(
      to,
      { nl: 'Bevestig uw aanmelding', en: 'Confirm your registration' },
      `Uw bevestigingscode is ${code}. De code is ${minutes} minuten geldig.\nBevestigen kan ook met deze link: ${portalUrl}/confirm.html#code=${code}\nHeeft u zich niet aangemeld? Dan kunt u deze e-mail negeren.`,
      `Your confirmation code is ${code}. It is valid for ${minutes} minutes.\nYou can also confirm with this link: ${portalUrl}/confirm.html#code=${code}\nDid not register? You can ignore this email.`,
    ),
  alreadyRegistered: (to: string, portalUrl: string) =>
    bilingual(
      to,
      { nl: 'Aanmelding met uw e-mailadres', en: 'Registration with your email address' },
      `Iemand probeerde een licentie aan te vragen met dit e-mailadres, maar er is al een licentie aan gekoppeld. Wilt u inloggen? Ga naar ${portalUrl}.\nWas u dit niet? Dan hoeft u niets te doen.`,
      `Someone tried to register a licence with this email address, which already has one. To sign in, go to ${portalUrl}.\nNot you? No action is needed.`,
    ),
  signInCode: (to: string, code: string) =>
    bilingual(
      to,
      { nl: 'Uw inlogcode', en: 'Your sign-in code' },
      `Uw inlogcode is ${code}. De code is ${minutes} minuten geldig.`,
      `Your sign-in code is ${code}. It is valid for ${minutes} minutes.`,
    ),
  emailChangeCode: (to: string, code: string) =>
    bilingual(
      to,
      { nl: 'Bevestig uw nieuwe e-mailadres', en: 'Confirm your new email address' },
      `Bevestig uw nieuwe e-mailadres met code ${code}. De code is ${minutes} minuten geldig.`,
      `Confirm your new email address with code ${code}. It is valid for ${minutes} minutes.`,
    ),
  emailInUse: (to: string) =>
    bilingual(
      to,
      { nl: 'E-mailadres al in gebruik', en: 'Email address already in use' },
      'Iemand wilde dit e-mailadres aan een ZorgSom-licentie koppelen, maar het is al in gebruik. Was u dit niet? Dan hoeft u niets te doen.',
      'Someone tried to link this email address to a ZorgSom licence, but it is already in use. Not you? No action is needed.',
    ),
  budgetReviewRequested: (to: string, name: string, portalUrl: string, answerBy: string) =>
    bilingual(
      to,
      { nl: 'Verzoek om gegevens voor een begroting', en: 'Request for data to check a budget' },
      `Beste ${name},\n\nOm een begroting na te kijken vraagt ZorgSom u om gegevens van een patiënt. U bepaalt zelf of u die verstrekt, en doet dat alleen met toestemming van uw patiënt. Bekijk het verzoek en beslis in het portaal: ${portalUrl}\nZonder antwoord vervalt het verzoek op ${answerBy.slice(0, 10)}. Stuur patiëntgegevens nooit per e-mail.`,
      `Dear ${name},\n\nTo check a budget, ZorgSom asks you for a patient's data. You decide whether to provide it, and do so only with your patient's consent. See the request and decide in the portal: ${portalUrl}\nWithout an answer the request lapses on ${answerBy.slice(0, 10)}. Never send patient data by email.`,
    ),
  marketingPreference: (to: string, optOut: boolean) =>
    optOut
      ? bilingual(
          to,
          { nl: 'Afgemeld voor informatie', en: 'Unsubscribed from marketing' },
          'U ontvangt van ons geen informatie meer over producten en diensten.',
          'You will no longer receive information about our products and services.',
        )
      : bilingual(
          to,
          { nl: 'Aangemeld voor informatie', en: 'Subscribed to marketing' },
          'U ontvangt weer informatie over onze producten en diensten. Afmelden kan altijd.',
          'You will receive information about our products and services again. You can opt out at any time.',
        ),
};
