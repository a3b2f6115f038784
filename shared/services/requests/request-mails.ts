import { policy } from '../../domain/policy.js';
import type { PrivacyRequestType, StoredPrivacyRequest } from '../../domain/privacy-request.js';
import { bilingual } from '../mail-templates.js';
import type { MailLanguage, OutgoingMail } from '../ports.js';

/**
 * Mails of the privacy-request workflow, Dutch first. They carry a reference, dates, codes and links only:
 * never the request's text, never personal data (the overview itself is in the portal, behind sign-in).
 * Replies to inbound mail carry `inResponseTo`: the mail-sender marks them `Auto-Submitted: auto-replied`
 * (RFC 3834), so well-behaved auto-responders do not answer them and no mail loop can start.
 */

const typeNames: Record<PrivacyRequestType, { nl: string; en: string }> = {
  overview: { nl: 'inzage in uw gegevens', en: 'overview of your data' },
  correction: { nl: 'correctie of aanvulling van uw gegevens', en: 'correction or completion of your data' },
  deletion: { nl: 'verwijdering van uw gegevens', en: 'deletion of your data' },
  'marketing-opt-out': {
    nl: 'afmelding voor informatie over producten en diensten',
    en: 'opt-out from information about products and services',
  },
  question: { nl: 'vraag over privacy', en: 'question about privacy' },
  complaint: { nl: 'klacht over privacy', en: 'complaint about privacy' },
};

const dateIn = (language: 'nl-NL' | 'en-GB', iso: string) =>
  new Intl.DateTimeFormat(language, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'Europe/Amsterdam',
  }).format(new Date(iso));

const patientNotice = {
  nl: '\n\nUw bericht bevatte patiëntgegevens (een burgerservicenummer). ZorgSom neemt geen patiëntgegevens aan: wij hebben de tekst van uw bericht niet bewaard en verwijderen het bericht binnen enkele dagen. Stuur ons alstublieft nooit patiëntgegevens.',
  en: '\n\nYour message contained patient data (a citizen service number). ZorgSom does not accept patient data: we did not keep the text of your message and delete the message within days. Please never send us patient data.',
};

export interface MailContext {
  to: string;
  reference: string;
  type: PrivacyRequestType;
  /** Ask the sender not to send patient data. */
  patientData: boolean;
  /** The licensee's language (`languageOf(profile)`): their mails are written in it only. */
  language: MailLanguage;
  /**
   * The request came by mail (or the by-email form): the SES message id (or form id) this answers, which
   * makes the mail an automatic reply in the RFC 3834 sense (the mail-sender sets `Auto-Submitted`).
   */
  inResponseTo?: string;
}

/** What the sending policy needs to know: the kind of mail and what it answers. */
function finish(
  mail: OutgoingMail,
  context: Pick<MailContext, 'inResponseTo'>,
  kind: OutgoingMail['kind'],
  template: string,
): OutgoingMail {
  return {
    ...mail,
    kind,
    template,
    ...(context.inResponseTo ? { inResponseTo: context.inResponseTo } : {}),
  };
}

function withNotice(context: { patientData: boolean }, nl: string, en: string): [string, string] {
  return context.patientData ? [nl + patientNotice.nl, en + patientNotice.en] : [nl, en];
}

// One function per mail, imported as a namespace (`import * as requestMails`): a bundle keeps only the mails
// its function sends.
/** The one-time code and link that prove the request comes from the address on record. */
export function confirmation(
  context: MailContext,
  { code, link, validUntil, reminder }: { code: string; link: string; validUntil: string; reminder: boolean },
): OutgoingMail {
  const name = typeNames[context.type];
  const [nl, en] = withNotice(
    context,
    `${reminder ? 'Herinnering: w' : 'W'}ij ontvingen een privacyverzoek (${name.nl}) met kenmerk ${context.reference}. Om zeker te weten dat het van u komt, voeren wij het pas uit als u het bevestigt.\n\n` +
      `Bevestig via ${link}\nof vul op de pagina de code ${code} in.\n\n` +
      `De code is geldig tot en met ${dateIn('nl-NL', validUntil)}${reminder ? '; een eerder gestuurde code werkt niet meer' : ''}. Zonder bevestiging sluiten wij het verzoek. Hebt u dit verzoek niet gedaan? Dan hoeft u niets te doen.`,
    `${reminder ? 'Reminder: w' : 'W'}e received a privacy request (${name.en}) with reference ${context.reference}. To be sure it comes from you, we act on it only after you confirm it.\n\n` +
      `Confirm at ${link}\nor enter code ${code} on that page.\n\n` +
      `The code is valid until ${dateIn('en-GB', validUntil)}${reminder ? '; any code sent earlier no longer works' : ''}. Without confirmation we close the request. Did not make this request? No action is needed.`,
  );
  return finish(
    bilingual(
      context.to,
      {
        nl: `${reminder ? 'Herinnering: b' : 'B'}evestig uw privacyverzoek ${context.reference}`,
        en: `${reminder ? 'Reminder: c' : 'C'}onfirm your privacy request ${context.reference}`,
      },
      nl,
      en,
      context.language,
    ),
    context,
    // The code of a new request is essential; a reminder is a notice (and the hygiene job sends it).
    reminder ? 'notice' : 'code',
    reminder ? 'request-reminder' : 'request-confirmation',
  );
}

/** To an address that is not a licensee's: how to make a request, revealing nothing about who is one. */
export function unknownSender({
  to,
  portalUrl,
  patientData,
  inResponseTo,
}: {
  to: string;
  portalUrl: string;
  patientData: boolean;
  inResponseTo: string;
}): OutgoingMail {
  const [nl, en] = withNotice(
    { patientData },
    `Wij ontvingen uw privacyverzoek. Wij kunnen een verzoek alleen in behandeling nemen vanaf het e-mailadres dat bij uw licentie is geregistreerd. Stuur uw verzoek vanaf dat adres naar ${policy.controller.contactEmail} met 'Privacy' in het onderwerp, of gebruik het formulier op ${portalUrl}/privacy-request.html.`,
    `We received your privacy request. We can only handle a request sent from the email address registered with your licence. Please send it from that address to ${policy.controller.contactEmail} with 'Privacy' in the subject, or use the form at ${portalUrl}/privacy-request.html.`,
  );
  // Not essential: anyone can put any From on a mail, so a stranger's address gets one per window.
  return finish(
    // We cannot know the language of an address that is not a licensee's: both.
    bilingual(to, { nl: 'Uw privacyverzoek', en: 'Your privacy request' }, nl, en, 'nl+en'),
    { inResponseTo },
    'notice',
    'unknown-sender',
  );
}

/** A general mail reached the staff inbox: in the licensee's language, both to anyone else. */
export function generalAcknowledgement({
  to,
  reference,
  dueAt,
  patientData,
  inResponseTo,
  language,
}: {
  to: string;
  reference: string;
  dueAt: string;
  patientData: boolean;
  inResponseTo: string;
  language: MailLanguage;
}): OutgoingMail {
  const [nl, en] = withNotice(
    { patientData },
    `Wij hebben uw bericht ontvangen (kenmerk ${reference}). Een medewerker beantwoordt het uiterlijk ${dateIn('nl-NL', dueAt)}.\nWilt u uw persoonsgegevens inzien, wijzigen of laten verwijderen, of u afmelden? Zet dan 'Privacy' in het onderwerp.`,
    `We received your message (reference ${reference}). A member of staff will answer it by ${dateIn('en-GB', dueAt)}.\nTo see, change or delete your personal data, or to opt out of marketing, put 'Privacy' in the subject.`,
  );
  return finish(
    bilingual(
      to,
      { nl: `Ontvangen: uw bericht ${reference}`, en: `Received: your message ${reference}` },
      nl,
      en,
      language,
    ),
    { inResponseTo },
    'acknowledgement',
    'general-acknowledgement',
  );
}

/**
 * A mail that repeats an unfinished request of the same type is linked to it, never silently: the sender
 * hears the existing reference (and, with patient data, the warning). Always sent within the budget.
 */
export function linked(
  context: MailContext,
  { existing }: { existing: Pick<StoredPrivacyRequest, 'reference' | 'status' | 'dueAt'> },
): OutgoingMail {
  const name = typeNames[context.type];
  const waiting = existing.status === 'awaiting-confirmation';
  const [nl, en] = withNotice(
    context,
    `Wij ontvingen uw bericht over uw privacyverzoek (${name.nl}). U hebt hiervoor al een verzoek lopen met kenmerk ${existing.reference}; wij hebben uw bericht daaraan toegevoegd (kenmerk van dit bericht: ${context.reference}), zodat het niet twee keer wordt behandeld.\n\n` +
      (waiting
        ? `Dat verzoek wacht nog op uw bevestiging: gebruik de link of de code uit onze eerdere e-mail over ${existing.reference}.`
        : `U hoort uiterlijk ${dateIn('nl-NL', existing.dueAt)} van ons.`),
    `We received your message about your privacy request (${name.en}). You already have a request for this with reference ${existing.reference}; we added your message to it (reference of this message: ${context.reference}), so it is not handled twice.\n\n` +
      (waiting
        ? `That request still awaits your confirmation: use the link or code from our earlier email about ${existing.reference}.`
        : `You will hear from us by ${dateIn('en-GB', existing.dueAt)}.`),
  );
  return finish(
    bilingual(
      context.to,
      {
        nl: `Uw privacyverzoek ${existing.reference}: bericht ontvangen`,
        en: `Your privacy request ${existing.reference}: message received`,
      },
      nl,
      en,
      context.language,
    ),
    context,
    'acknowledgement',
    'request-linked',
  );
}

/** What happened once the request was confirmed (or made while signed in). */
export function outcome(
  context: MailContext,
  { portalUrl, dueAt }: { portalUrl: string; dueAt: string },
): OutgoingMail {
  const due = { nl: dateIn('nl-NL', dueAt), en: dateIn('en-GB', dueAt) };
  const texts: Record<PrivacyRequestType, { subject: { nl: string; en: string }; nl: string; en: string }> = {
    overview: {
      subject: { nl: 'Uw overzicht staat klaar', en: 'Your overview is ready' },
      nl: `Het overzicht van alle gegevens die ZorgSom van u heeft, staat voor u klaar in het portaal: ${portalUrl}. Log in met uw e-mailadres en de code die u dan ontvangt. Om uw gegevens te beschermen sturen wij ze niet per e-mail.`,
      en: `The overview of all data ZorgSom holds about you is ready in the portal: ${portalUrl}. Sign in with your email address and the code you then receive. To protect your data we do not send it by email.`,
    },
    correction: {
      subject: { nl: 'Uw gegevens corrigeren of aanvullen', en: 'Correct or complete your data' },
      nl: `U kunt uw gegevens zelf direct corrigeren of aanvullen in het portaal: ${portalUrl}. Lukt dat niet, antwoord dan op deze e-mail met 'Privacy' in het onderwerp; een medewerker helpt u dan uiterlijk ${due.nl}.`,
      en: `You can correct or complete your data yourself, straight away, in the portal: ${portalUrl}. If that does not work, reply to this email with 'Privacy' in the subject; a member of staff will help you by ${due.en}.`,
    },
    deletion: {
      subject: {
        nl: 'Uw verzoek om verwijdering is in behandeling',
        en: 'Your deletion request is being handled',
      },
      nl: `Een medewerker beoordeelt uw verzoek om verwijdering (gegevens die wij wettelijk moeten bewaren, zoals voor de boekhouding, kunnen niet eerder worden verwijderd). U hoort uiterlijk ${due.nl} van ons.`,
      en: `A member of staff reviews your deletion request (data we must keep by law, such as for bookkeeping, cannot be deleted earlier). You will hear from us by ${due.en}.`,
    },
    'marketing-opt-out': {
      subject: { nl: 'Afgemeld voor informatie', en: 'Unsubscribed from marketing' },
      nl: 'U ontvangt van ons geen informatie meer over producten en diensten. Berichten over uw licentie en dienstverlening blijft u ontvangen.',
      en: 'You will no longer receive information about our products and services. You will still receive messages about your licence and service.',
    },
    question: {
      subject: { nl: 'Uw vraag is ontvangen', en: 'Your question has been received' },
      nl: `Een medewerker beantwoordt uw vraag uiterlijk ${due.nl}.`,
      en: `A member of staff will answer your question by ${due.en}.`,
    },
    complaint: {
      subject: { nl: 'Uw klacht is ontvangen', en: 'Your complaint has been received' },
      nl: `Een medewerker behandelt uw klacht en reageert uiterlijk ${due.nl}. Bent u daarna niet tevreden, dan kunt u een klacht indienen bij de ${policy.controller.supervisoryAuthority}.`,
      en: `A member of staff will handle your complaint and respond by ${due.en}. If you are not satisfied afterwards, you can complain to the ${policy.controller.supervisoryAuthority} (Dutch Data Protection Authority).`,
    },
  };
  const text = texts[context.type];
  const [nl, en] = withNotice(
    context,
    `Kenmerk: ${context.reference}\n\n${text.nl}`,
    `Reference: ${context.reference}\n\n${text.en}`,
  );
  return finish(
    bilingual(
      context.to,
      { nl: `${text.subject.nl} (${context.reference})`, en: `${text.subject.en} (${context.reference})` },
      nl,
      en,
      context.language,
    ),
    context,
    // The first answer to a request that needed no code (signed in, or an authenticated opt-out): its
    // acknowledgement, always sent within the budget.
    'acknowledgement',
    `request-outcome-${context.type}`,
  );
}

export const confirmLinkOf = (portalUrl: string, reference: string, code: string) =>
  // A fragment: the code never reaches a server log or a Referer header.
  `${portalUrl}/confirm-request.html#${reference}.${code}`;
