import type { z } from 'zod/mini';
import { formatPath } from './patient-guard.js';
import type { staffMessages } from './staff-problems.js';

/** A problem's text in Dutch and English. */
export type ProblemText = { nl: string; en: string };

/**
 * The API's error vocabulary. A response names fields and codes; the texts below explain a code in Dutch and
 * English. No error ever carries a submitted value: zod's `input` and the like are never copied.
 */
export const messages = {
  required: { nl: 'Dit veld is verplicht.', en: 'This field is required.' },
  'unknown-field': {
    nl: 'Dit veld is onbekend. ZorgSom slaat alleen naam, adres, e-mailadres en IBAN op.',
    en: 'This field is unknown. ZorgSom only stores name, address, email address and IBAN.',
  },
  'invalid-email': { nl: 'Dit is geen geldig e-mailadres.', en: 'This is not a valid email address.' },
  'invalid-iban': {
    nl: 'Dit is geen geldig IBAN. Controleer het nummer op uw bankpas of bankafschrift.',
    en: 'This is not a valid IBAN. Please check the number on your bank card or statement.',
  },
  'invalid-postcode': {
    nl: 'Een Nederlandse postcode is vier cijfers en twee letters, bijvoorbeeld 1234 AB.',
    en: 'A Dutch postcode is four digits and two letters, for example 1234 AB.',
  },
  'invalid-postcode-be': {
    nl: 'Een Belgische postcode is vier cijfers, bijvoorbeeld 1000.',
    en: 'A Belgian postcode is four digits, for example 1000.',
  },
  'invalid-postcode-de': {
    nl: 'Een Duitse postcode (PLZ) is vijf cijfers, bijvoorbeeld 10115.',
    en: 'A German postcode (PLZ) is five digits, for example 10115.',
  },
  'invalid-postcode-other': {
    nl: 'Vul de postcode in zoals die in het gekozen land geschreven wordt: letters en cijfers, hooguit tien tekens.',
    en: 'Enter the postcode as it is written in the chosen country: letters and digits, at most ten characters.',
  },
  'invalid-house-number': {
    nl: 'Begin met het huisnummer in cijfers; een letter of toevoeging mag erachter, zoals 12a, 12-2 of 12 bis.',
    en: 'Start with the house number in digits; a letter or addition may follow, such as 12a, 12-2 or 12 bis.',
  },
  'house-number-too-long': {
    nl: 'Een huisnummer heeft hooguit vijf cijfers. Zet een toevoeging zoals A of 2 erachter.',
    en: 'A house number has at most five digits. Put an addition such as A or 2 after it.',
  },
  'house-number-addition-too-long': {
    nl: 'Een toevoeging heeft hooguit vier letters of cijfers, zoals A, 2, hs, bis of III.',
    en: 'An addition has at most four letters or digits, such as A, 2, hs, bis or III.',
  },
  'invalid-country': {
    nl: 'Kies een land uit de lijst (of stuur een landcode van twee letters, zoals NL).',
    en: 'Choose a country from the list (or send a two-letter country code, such as NL).',
  },
  'invalid-language': {
    nl: 'Kies Nederlands (nl) of Engels (en) als taal van uw e-mails.',
    en: 'Choose Dutch (nl) or English (en) as the language of your emails.',
  },
  'too-long': { nl: 'Deze waarde is te lang.', en: 'This value is too long.' },
  'invalid-characters': {
    nl: 'Deze waarde bevat onzichtbare of ongeldige tekens (zoals richtingstekens of tekens zonder breedte). Typ de waarde opnieuw in.',
    en: 'This value contains invisible or invalid characters (such as direction marks or zero-width characters). Please type it again.',
  },
  'invalid-format': {
    nl: 'Deze waarde heeft niet de juiste vorm.',
    en: 'This value does not have the right format.',
  },
  'patient-data': {
    nl: 'ZorgSom neemt geen patiëntgegevens aan, zoals een burgerservicenummer (BSN) of medische gegevens. Verwijder deze gegevens en probeer het opnieuw.',
    en: 'ZorgSom does not accept patient data, such as a citizen service number (BSN) or medical details. Please remove this data and try again.',
  },
  'patient-data-text': {
    nl: 'Dit lijkt op gegevens van een patiënt: een geboortedatum, ‘patiënt’ of ‘cliënt’ met een naam, een diagnose of medicijnen. ZorgSom neemt geen patiëntgegevens aan. Laat ze weg en probeer het opnieuw.',
    en: 'This looks like patient data: a date of birth, ‘patient’ or ‘client’ with a name, a diagnosis or medication. ZorgSom does not accept patient data. Please leave it out and try again.',
  },
  'invalid-code': {
    nl: 'Deze code is onjuist of verlopen. Vraag zo nodig een nieuwe code aan.',
    en: 'This code is incorrect or has expired. Request a new code if needed.',
  },
  'empty-patch': {
    nl: 'Geef ten minste één gegeven op om te wijzigen.',
    en: 'Provide at least one item to change.',
  },
  'invalid-input': {
    nl: 'Niet alle velden zijn juist ingevuld. Zie de meldingen per veld.',
    en: 'Some fields are not filled in correctly. See the message for each field.',
  },
  'invalid-json': {
    nl: 'Het verzoek bevat geen geldige JSON.',
    en: 'The request does not contain valid JSON.',
  },
  'payload-too-large': { nl: 'Het verzoek is te groot.', en: 'The request is too large.' },
  'unsupported-media-type': {
    nl: 'Stuur het verzoek als application/json.',
    en: 'Send the request as application/json.',
  },
  'not-found': { nl: 'Niet gevonden.', en: 'Not found.' },
  unauthorised: {
    nl: 'U bent niet (meer) ingelogd. Log opnieuw in met een code per e-mail.',
    en: 'You are not (or no longer) signed in. Please sign in again with a code by email.',
  },
  'rate-limited': {
    nl: 'Te veel pogingen. Probeer het later opnieuw.',
    en: 'Too many attempts. Please try again later.',
  },
  'origin-required': {
    nl: 'Gebruik het portaal: de API is alleen bereikbaar via het adres van het portaal (/api).',
    en: 'Use the portal: the API answers only through the portal address (/api).',
  },
  'review-closed': {
    nl: 'Over dit verzoek is al beslist, of het is verlopen.',
    en: 'This request has already been decided, or has lapsed.',
  },
  'upload-missing': {
    nl: 'Het bestand is (nog) niet bij ons aangekomen. Kies het bestand opnieuw en deel het.',
    en: 'The file has not reached us (yet). Choose the file again and share it.',
  },
  'upload-invalid': {
    nl: 'Het ontvangen bestand klopt niet met wat is aangekondigd. Kies het bestand opnieuw en deel het.',
    en: 'The file received does not match what was announced. Choose the file again and share it.',
  },
  'consent-required': {
    nl: 'Verstrek patiëntgegevens alleen als uw patiënt daarvoor toestemming heeft gegeven, en bevestig dat.',
    en: 'Provide patient data only with your patient’s consent, and confirm that you have it.',
  },
  conflict: {
    nl: 'Tegelijk met dit verzoek veranderde er iets anders aan dezelfde gegevens. Probeer het opnieuw.',
    en: 'Something else changed the same data at the same moment. Please try again.',
  },
  // A request we could not take on at all (nothing was stored or sent): the same for every caller.
  unavailable: {
    nl: 'Uw verzoek kon nu niet worden aangenomen. Probeer het over een paar minuten opnieuw.',
    en: 'Your request could not be accepted just now. Please try again in a few minutes.',
  },
  internal: {
    nl: 'Er ging iets mis aan onze kant. Probeer het later opnieuw.',
    en: 'Something went wrong on our side. Please try again later.',
  },
} as const satisfies Record<string, ProblemText>;

/** Every code: the catalogue above, and the staff API's own (staff-problems.ts). */
export type ProblemCode = keyof typeof messages | keyof typeof staffMessages;
export type Language = 'nl' | 'en';

/** The codes this function answers with: the catalogue above, plus the staff API's once it registers them. */
const catalogue: Record<string, ProblemText> = { ...messages };

/** Adds codes (the staff API's, at its init) to the catalogue that responses and field errors read. */
export function registerProblemTexts(texts: Record<string, ProblemText>): void {
  Object.assign(catalogue, texts);
}

export function isProblemCode(code: string): code is ProblemCode {
  return Object.hasOwn(catalogue, code);
}

/** The texts for a code; an unknown code falls back to `internal` rather than leaking anything. */
export function problemTextOf(code: string): ProblemText {
  return isProblemCode(code) ? catalogue[code]! : messages.internal;
}

/** The text for a code in one language (`internal` for an unknown code). */
export function messageFor(code: string, language: Language): string {
  return problemTextOf(code)[language];
}

/** A problem with one field: its JSON path (`address.postcode`, `items[0]`; '' for the body) and a code. */
export interface FieldError {
  field: string;
  code: ProblemCode;
}

/** Our code for one of zod's built-in issues; `missing` says whether the value was absent. */
function codeOf(issue: { code: string; origin?: unknown; minimum?: unknown }, missing: boolean): ProblemCode {
  switch (issue.code) {
    case 'invalid_type':
      return missing ? 'required' : 'invalid-format';
    case 'too_big':
      return 'too-long';
    case 'too_small':
      return issue.origin === 'string' && Number(issue.minimum) <= 1 ? 'required' : 'invalid-format';
    default:
      return 'invalid-format';
  }
}

/**
 * Codes for zod issues that carry no code of ours as their message (parsed without `problemErrorMap`). The
 * input is gone from the issue by then and zod/mini loads no locale to describe it, so nothing tells a
 * missing value from a wrong one: parse with `problemErrorMap` (as `validateBody` does) to get `required`.
 */
function fallbackCode(issue: z.core.$ZodIssue): ProblemCode {
  return codeOf(issue, false);
}

/**
 * zod issues to field errors. Unknown keys give one `unknown-field` per key, named by its path (the key name is
 * shown, a value never); a schema's custom message that is a catalogue code becomes the code.
 */
export function fieldErrorsFromZod(error: z.core.$ZodError): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const add = (path: readonly PropertyKey[], code: ProblemCode) => {
    const field = formatPath(path);
    const id = `${code}\u0000${field}`;
    if (seen.has(id)) return;
    seen.add(id);
    errors.push({ field, code });
  };
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add([...issue.path, key], 'unknown-field');
    } else {
      add(issue.path, isProblemCode(issue.message) ? issue.message : fallbackCode(issue));
    }
  }
  return errors;
}

/**
 * A per-parse error map: gives zod's built-in issues our codes, deciding `required` from the (never reported)
 * input. Messages set on a schema take precedence over it.
 */
export const problemErrorMap: z.core.$ZodErrorMap = (issue) => codeOf(issue, issue.input === undefined);
