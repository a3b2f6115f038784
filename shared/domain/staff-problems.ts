import { policy } from './policy.js';
import { registerProblemTexts, type ProblemText } from './problems.js';

/**
 * The staff API's own problem codes (admin only): a function that answers licensees never returns them, so their
 * texts are not in its bundle. `registerStaffProblems()` adds them to the catalogue of problems.ts, where
 * responses and field errors look codes up; the staff API calls it at init.
 */
export const staffMessages = {
  'staff-unauthorised': {
    nl: 'Meld u aan als medewerker (met uw tweede factor) en probeer het opnieuw.',
    en: 'Sign in as a staff member (with your second factor) and try again.',
  },
  'staff-forbidden': {
    nl: 'Uw rol geeft geen toegang tot deze handeling.',
    en: 'Your role does not allow this action.',
  },
  'breach-changed': {
    nl: 'Iemand anders heeft dit datalek intussen gewijzigd. Laad het opnieuw.',
    en: 'Someone else changed this breach meanwhile. Reload it.',
  },
  'breach-decided': {
    nl: 'Over dit datalek is al besloten, of de betrokkenen zijn al geïnformeerd.',
    en: 'This breach has already been decided, or those affected have already been told.',
  },
  'breach-not-high-risk': {
    nl: 'Licentiehouders worden alleen geïnformeerd over een datalek dat als hoog risico is beoordeeld (AVG art. 34).',
    en: 'Licensees are told only of a breach decided as high risk (GDPR art. 34).',
  },
  'invalid-basis': {
    nl: 'Gegevens worden alleen verstrekt bij een wettelijke plicht, noodzaak voor de bedrijfsvoering of fraude.',
    en: 'Data is only disclosed for a legal obligation, business necessity or fraud.',
  },
  'invalid-category': {
    nl: 'Onbekende gegevenscategorie: ZorgSom bewaart alleen naam, adres, e-mailadres en IBAN.',
    en: 'Unknown data category: ZorgSom only holds name, address, email address and IBAN.',
  },
  'bulk-count-changed': {
    nl: 'Het aantal verzoeken in deze selectie is intussen veranderd. Bekijk de lijst opnieuw en bevestig dan.',
    en: 'The number of requests in this selection changed meanwhile. Review the list again, then confirm.',
  },
  'request-state': {
    nl: 'Dit verzoek is al afgehandeld of wacht niet op deze handeling.',
    en: 'This request is already finished or is not waiting for this action.',
  },
  'extension-too-long': {
    nl: `De termijn kan met ten hoogste ${policy.requests.maxExtensionMonths} maanden worden verlengd (AVG art. 12 lid 3).`,
    en: `The deadline can be extended by at most ${policy.requests.maxExtensionMonths} months (GDPR art. 12(3)).`,
  },
  'not-a-deletion': {
    nl: 'Alleen een verzoek om verwijdering kan worden goedgekeurd voor verwijdering.',
    en: 'Only a deletion request can be approved for deletion.',
  },
  'inbox-state': {
    nl: 'Dit bericht is al afgehandeld of omgezet in een verzoek.',
    en: 'This message has already been handled or turned into a request.',
  },
  'no-address': {
    nl: 'Er is geen adres om dit bericht te beantwoorden (de afzender is onbekend en het bericht is verwijderd).',
    en: 'There is no address to answer this message (the sender is unknown and the message was deleted).',
  },
  'not-a-licensee': {
    nl: 'Alleen een bericht van een licentiehouder kan een privacyverzoek worden.',
    en: 'Only a message from a licensee can become a privacy request.',
  },
  'licence-state': {
    nl: 'Dit kan niet in de huidige status van de licentie.',
    en: 'This is not possible in the licence’s current state.',
  },
} as const satisfies Record<string, ProblemText>;

/** Makes the staff codes answerable (responses and field errors) in this container: the staff API's init. */
export function registerStaffProblems(): void {
  registerProblemTexts(staffMessages);
}
