import { policy } from '../domain/policy.js';
import { renderMail } from '../mail/layout.js';
import type { MailKind, MailLanguage, OutgoingMail } from './ports.js';

/**
 * Every mail the system sends, from its Dutch and English texts: rendered with the one ZorgSom layout
 * (shared/mail/layout.ts: text and HTML parts, inline CSS, no remote images) in the recipient's language,
 * or Dutch first with English below when we cannot know it. Mails carry codes and links, never personal
 * data beyond what the recipient typed themselves.
 */
export function bilingual(
  to: string,
  subject: { nl: string; en: string },
  nl: string,
  en: string,
  language: MailLanguage,
): OutgoingMail {
  const rendered = renderMail(
    { nl: { subject: subject.nl, body: nl }, en: { subject: subject.en, body: en } },
    language,
  );
  return { to, ...rendered, language };
}

const minutes = policy.signIn.codeTtlMinutes;

/** What a signup mail names: never the whole IBAN. */
export interface SignupSummary {
  name: string;
  ibanLast4: string;
}
export const signupSummaryOf = (data: { name: string; iban: string }): SignupSummary => ({
  name: data.name,
  ibanLast4: data.iban.slice(-4),
});

/** Items of the profile a change notice names (by kind only, never by value). */
export type ChangedCategory = 'name' | 'address' | 'iban';
const categoryNames: Record<ChangedCategory, { nl: string; en: string }> = {
  name: { nl: 'naam', en: 'name' },
  address: { nl: 'adres', en: 'address' },
  iban: { nl: 'IBAN', en: 'IBAN' },
};

/** The opening line of a signup code mail: what is being confirmed, as far as the sender may read it. */
function confirming(what: SignupSummary | undefined): { nl: string; en: string } {
  if (what) {
    return {
      nl: `U bevestigt de aanmelding van ${what.name}, IBAN eindigend op ${what.ibanLast4}.`,
      en: `You are confirming the registration of ${what.name}, IBAN ending in ${what.ibanLast4}.`,
    };
  }
  return {
    nl: 'U rondt uw aanmelding af. Na het bevestigen ziet u in het portaal de gegevens die bij de aanmelding zijn opgegeven; kloppen ze niet, corrigeer ze dan.',
    en: 'You are finishing your registration. Once confirmed, the portal shows the details given when registering; correct them if they are not right.',
  };
}

/** Renders a template in the group's language: `bilingual` with the language fixed. */
type Say = (to: string, subject: { nl: string; en: string }, nl: string, en: string) => OutgoingMail;

/**
 * The templates of one flow, rendered in one language: `signupMails(languageOf(profile))` to a known licensee,
 * `signupMails('nl+en')` only to an address whose language we cannot know. There is no default, so no call
 * site can forget to choose. One group per flow, each made through a pure call, so a bundle carries only the
 * groups its function sends (bundle-contents.test.ts).
 */
function mailGroup<M extends Record<string, (...args: never[]) => OutgoingMail>>(
  kinds: { [K in keyof M]: MailKind },
  make: (say: Say) => M,
) {
  const render = (language: MailLanguage): M => {
    const templates = make((to, subject, nl, en) => bilingual(to, subject, nl, en, language));
    return Object.fromEntries(
      Object.entries(templates).map(([template, rendered]) => [
        template,
        (...args: never[]) => ({ ...rendered(...args), kind: kinds[template], template }),
      ]),
    ) as M;
  };
  return Object.assign(render, { templateNames: Object.keys(kinds) as (keyof M & string)[] });
}

/** The signup flow (shared/services/signup.ts; session.ts re-sends the code). */
export const signupMails = /* @__PURE__ */ mailGroup(
  { signupCode: 'code', alreadyRegistered: 'notice' },
  (say) => ({
    /**
     * Names what is being confirmed (name, last 4 of the IBAN) when the sender may read it, so nobody confirms
     * data they did not give; without it (a code asked for on the sign-in page, where nothing is decrypted)
     * it says the data is shown after confirming. The link carries the code in its #fragment: it never
     * reaches a server log, and the page removes it.
     */
    signupCode: (to: string, code: string, portalUrl: string, what?: SignupSummary) =>
      say(
        to,
        { nl: 'Bevestig uw aanmelding', en: 'Confirm your registration' },
        `${confirming(what).nl}\nUw bevestigingscode is ${code}. De code is ${minutes} minuten geldig.\nBevestigen kan ook met deze link: ${portalUrl}/confirm.html#code=${code}\nKlopt dit niet, of hebt u zich niet aangemeld? Bevestig dan niet; de aanmelding vervalt vanzelf na ${policy.retention.pendingSignupHours} uur.`,
        `${confirming(what).en}\nYour confirmation code is ${code}. It is valid for ${minutes} minutes.\nYou can also confirm with this link: ${portalUrl}/confirm.html#code=${code}\nNot right, or did not register? Then do not confirm; the registration lapses by itself after ${policy.retention.pendingSignupHours} hours.`,
      ),
    alreadyRegistered: (to: string, portalUrl: string) =>
      say(
        to,
        { nl: 'Aanmelding met uw e-mailadres', en: 'Registration with your email address' },
        `Iemand probeerde een licentie aan te vragen met dit e-mailadres, maar er is al een licentie aan gekoppeld. Wilt u inloggen? Ga naar ${portalUrl}.\nWas u dit niet? Dan hoeft u niets te doen.`,
        `Someone tried to register a licence with this email address, which already has one. To sign in, go to ${portalUrl}.\nNot you? No action is needed.`,
      ),
  }),
);

/** Signing in (shared/services/session.ts). */
export const signInMails = /* @__PURE__ */ mailGroup(
  { signInCode: 'code', signInNoLicence: 'notice' },
  (say) => ({
    /** The link works without the code (see `signInWithLink`): spent code requests or guesses lock nobody out. */
    signInCode: (to: string, code: string, link: string) =>
      say(
        to,
        { nl: 'Uw inlogcode', en: 'Your sign-in code' },
        `Uw inlogcode is ${code}. De code is ${minutes} minuten geldig.\nOf log in met deze link, ${policy.signIn.linkValidMinutes} minuten geldig en één keer te gebruiken, ook als de code niet meer werkt: ${link}\nVroeg u geen code aan? Dan kunt u deze e-mail negeren; zonder de code of de link komt niemand binnen.`,
        `Your sign-in code is ${code}. It is valid for ${minutes} minutes.\nOr sign in with this link, valid for ${policy.signIn.linkValidMinutes} minutes and once, even when the code no longer works: ${link}\nDid not ask for a code? You can ignore this email; without the code or the link nobody gets in.`,
      ),
    signInNoLicence: (to: string, portalUrl: string) =>
      say(
        to,
        { nl: 'Inloggen bij ZorgSom', en: 'Signing in to ZorgSom' },
        `Iemand vroeg een inlogcode aan voor dit e-mailadres, maar er hoort (nog) geen actieve licentie bij. Wilt u een licentie aanvragen, of uw aanmelding afronden? Ga naar ${portalUrl}.\nWas u dit niet? Dan hoeft u niets te doen.`,
        `Someone asked for a sign-in code for this email address, which has no active licence (yet). To register, or to finish registering, go to ${portalUrl}.\nNot you? No action is needed.`,
      ),
  }),
);

/** A licensee’s own changes (shared/services/profile-changes.ts). */
export const profileMails = /* @__PURE__ */ mailGroup(
  {
    emailChangeCode: 'code',
    profileChanged: 'notice',
    emailChanged: 'notice',
    emailInUse: 'notice',
    marketingPreference: 'notice',
  },
  (say) => ({
    emailChangeCode: (to: string, code: string) =>
      say(
        to,
        { nl: 'Bevestig uw nieuwe e-mailadres', en: 'Confirm your new email address' },
        `Bevestig uw nieuwe e-mailadres met code ${code}. De code is ${minutes} minuten geldig.`,
        `Confirm your new email address with code ${code}. It is valid for ${minutes} minutes.`,
      ),
    /** To the address on record: which items changed, so a stolen session cannot change them unseen. */
    profileChanged: (to: string, changed: readonly ChangedCategory[], portalUrl: string) =>
      say(
        to,
        { nl: 'Uw gegevens zijn gewijzigd', en: 'Your details were changed' },
        `In uw ZorgSom-account is gewijzigd: ${changed.map((c) => categoryNames[c].nl).join(', ')}. Bekijk uw gegevens in het portaal: ${portalUrl}\nWas u dit niet? Neem dan direct contact op met ${policy.controller.contactEmail} (onderwerp "${policy.controller.privacySubjectKeyword}").`,
        `In your ZorgSom account these were changed: ${changed.map((c) => categoryNames[c].en).join(', ')}. See your details in the portal: ${portalUrl}\nNot you? Contact ${policy.controller.contactEmail} at once (subject "${policy.controller.privacySubjectKeyword}").`,
      ),
    /** To the previous address after an email change, with the way to report it. */
    emailChanged: (to: string, notMeUrl: string) =>
      say(
        to,
        { nl: 'Uw e-mailadres is gewijzigd', en: 'Your email address was changed' },
        `Het e-mailadres van uw ZorgSom-licentie is gewijzigd; dit adres wordt niet meer gebruikt. Alle andere sessies zijn beëindigd.\nWas u dit niet? Open dan deze link: ${notMeUrl}\nWij beëindigen dan direct alle sessies en een medewerker neemt contact met u op. De link is ${policy.signIn.notMeLinkDays} dagen geldig.`,
        `The email address of your ZorgSom licence was changed; this address is no longer used. Every other session was ended.\nNot you? Open this link: ${notMeUrl}\nWe then end every session at once and a member of staff will contact you. The link is valid for ${policy.signIn.notMeLinkDays} days.`,
      ),
    emailInUse: (to: string) =>
      say(
        to,
        { nl: 'E-mailadres al in gebruik', en: 'Email address already in use' },
        'Iemand wilde dit e-mailadres aan een ZorgSom-licentie koppelen, maar het is al in gebruik. Was u dit niet? Dan hoeft u niets te doen.',
        'Someone tried to link this email address to a ZorgSom licence, but it is already in use. Not you? No action is needed.',
      ),
    marketingPreference: (to: string, optOut: boolean) =>
      optOut
        ? say(
            to,
            { nl: 'Afgemeld voor informatie', en: 'Unsubscribed from marketing' },
            'U ontvangt van ons geen informatie meer over producten en diensten.',
            'You will no longer receive information about our products and services.',
          )
        : say(
            to,
            { nl: 'Aangemeld voor informatie', en: 'Subscribed to marketing' },
            'U ontvangt weer informatie over onze producten en diensten. Afmelden kan altijd.',
            'You will receive information about our products and services again. You can opt out at any time.',
          ),
  }),
);

/** A budget review asked of a licensee (shared/services/budget-review.ts). */
export const budgetReviewMails = /* @__PURE__ */ mailGroup({ budgetReviewRequested: 'decision' }, (say) => ({
  budgetReviewRequested: (to: string, name: string, portalUrl: string, answerBy: string) =>
    say(
      to,
      { nl: 'Verzoek om gegevens voor een begroting', en: 'Request for data to check a budget' },
      `Beste ${name},\n\nOm een begroting na te kijken vraagt ZorgSom u om gegevens van een patiënt. U bepaalt zelf of u die verstrekt, en doet dat alleen met toestemming van uw patiënt. Bekijk het verzoek en beslis in het portaal: ${portalUrl}\nZonder antwoord vervalt het verzoek op ${answerBy.slice(0, 10)}. Stuur patiëntgegevens nooit per e-mail.`,
      `Dear ${name},\n\nTo check a budget, ZorgSom asks you for a patient's data. You decide whether to provide it, and do so only with your patient's consent. See the request and decide in the portal: ${portalUrl}\nWithout an answer the request lapses on ${answerBy.slice(0, 10)}. Never send patient data by email.`,
    ),
}));

/** Every licensee template in one language (for tests that render every one; the services use their group). */
export const mailsIn = (language: MailLanguage) => ({
  ...signupMails(language),
  ...signInMails(language),
  ...profileMails(language),
  ...budgetReviewMails(language),
});

/** The templates' names, for tests that render every one. */
export const mailTemplateNames = /* @__PURE__ */ (() => [
  ...signupMails.templateNames,
  ...signInMails.templateNames,
  ...profileMails.templateNames,
  ...budgetReviewMails.templateNames,
])();
