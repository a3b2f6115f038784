/**
 * Addresses as people write them. A house number is typed the way it is on the door or the letterbox
 * ("12a", "12-A", "12 A", "12-2", "12 bis", "12 hs", "12-III", "12 bus 3") and split the way the Dutch address
 * register (BAG) models it: huisnummer (1–99999), huisletter (one letter) and huisnummertoevoeging (at most
 * four letters or digits). Postcodes are checked and normalised per country. DOM-free and zod-free: the
 * schemas (licensee.ts) and the portal's views (browser bundle) both use it.
 */

export interface HouseNumberParts {
  houseNumber: string;
  houseLetter?: string;
  houseNumberAddition?: string;
}

export type HouseNumberProblem =
  'invalid-house-number' | 'house-number-too-long' | 'house-number-addition-too-long';

export type HouseNumberResult = ({ ok: true } & HouseNumberParts) | { ok: false; code: HouseNumberProblem };

/** BAG: a toevoeging holds at most four characters. Data stored before the BAG split allowed up to ten. */
export const maxAdditionLength = 4;
export const legacyMaxAdditionLength = 10;

/** Belgian "bus" (box) numbers: "12 bus 3", "12 b 3" or "12/3". */
const belgianBox = /^(?:bus|bte|boîte|box)\s*/i;

/**
 * Splits a house number as written. `extra` is a separately typed addition (the API still takes one), joined
 * to what follows the number. Letters come out in capitals, as BAG and PostNL write them.
 */
export function parseHouseNumber(
  written: string,
  extra = '',
  { maxAddition = maxAdditionLength }: { maxAddition?: number } = {},
): HouseNumberResult {
  const typed = `${written} ${extra}`.normalize('NFC').replace(/\s+/g, ' ').trim();
  const match = /^([0-9]+)(.*)$/.exec(typed);
  if (!match) return { ok: false, code: 'invalid-house-number' };
  const digits = (match[1] ?? '').replace(/^0+/, '');
  if (digits === '') return { ok: false, code: 'invalid-house-number' };
  if (digits.length > 5) return { ok: false, code: 'house-number-too-long' };

  // What follows the number: separators (space, dash, slash, dot) then a letter and/or a toevoeging.
  let rest = (match[2] ?? '').replace(/^[\s./-]+/, '');
  rest = rest.replace(belgianBox, '');
  let houseLetter: string | undefined;
  // One letter on its own ("12a", "12 A", "12-A", "12a-2", "12 A 2") is the huisletter; "bis", "hs",
  // "III" are toevoegingen.
  const letter = /^([A-Za-z])(?![A-Za-z])[\s./-]*(.*)$/.exec(rest);
  if (letter) {
    houseLetter = (letter[1] ?? '').toUpperCase();
    rest = letter[2] ?? '';
  }
  rest = rest.replace(belgianBox, '');
  // Inside the toevoeging, separators carry no meaning in BAG: "2-hoog" is stored as 2HOOG.
  const addition = rest.replace(/[\s./-]+/g, '').toUpperCase();
  if (addition !== '' && !/^[A-Z0-9]+$/.test(addition)) return { ok: false, code: 'invalid-house-number' };
  if (addition.length > maxAddition) return { ok: false, code: 'house-number-addition-too-long' };
  return {
    ok: true,
    houseNumber: digits,
    ...(houseLetter ? { houseLetter } : {}),
    ...(addition ? { houseNumberAddition: addition } : {}),
  };
}

const isRoman = (s: string): boolean => /^[IVX]+$/.test(s);

/**
 * The Dutch way to write it: the letter against the number, a numeric or Roman toevoeging after a dash, a
 * word after a space ("12A", "12-2", "12A-3", "12-III", "12 HS", "12 BIS"); Belgian box numbers as "bus".
 */
export function formatHouseNumber(parts: HouseNumberParts, country = 'NL'): string {
  const base = `${parts.houseNumber}${parts.houseLetter ?? ''}`;
  const addition = parts.houseNumberAddition;
  if (!addition) return base;
  if (country === 'BE') return `${base} bus ${addition}`;
  return /^[0-9]/.test(addition) || isRoman(addition) ? `${base}-${addition}` : `${base} ${addition}`;
}

/** Dutch postcode: four digits (not starting with 0) and two letters, of which SA, SD and SS are never issued. */
const dutchPostcode = /^([1-9][0-9]{3})([A-Z]{2})$/;
const unissuedDutchLetters: ReadonlySet<string> = new Set(['SA', 'SD', 'SS']);
/** Belgium: four digits 1000–9999, sometimes written with "B-". */
const belgianPostcode = /^(?:B-?)?([1-9][0-9]{3})$/;
/** Germany: five digits 01001–99998, sometimes written with "D-". */
const germanPostcode = /^(?:D-?)?((?!00)[0-9]{5})$/;
const foreignPostcode = /^[A-Z0-9](?:[A-Z0-9 -]{0,8})[A-Z0-9]$/;

export type PostcodeProblem =
  'invalid-postcode' | 'invalid-postcode-be' | 'invalid-postcode-de' | 'invalid-postcode-other';

/** The problem code that tells a visitor what a postcode of `country` looks like. */
export function postcodeProblem(country: string): PostcodeProblem {
  if (country === 'NL') return 'invalid-postcode';
  if (country === 'BE') return 'invalid-postcode-be';
  if (country === 'DE') return 'invalid-postcode-de';
  return 'invalid-postcode-other';
}

/** The canonical form of a postcode for `country`, or undefined when it is not a valid one. */
export function normalisePostcode(postcode: string, country: string): string | undefined {
  const compact = postcode.replace(/\s+/g, '').toUpperCase();
  if (country === 'NL') {
    const match = dutchPostcode.exec(compact.replace(/^NL-?/, ''));
    if (!match || unissuedDutchLetters.has(match[2] ?? '')) return undefined;
    return `${match[1]} ${match[2]}`;
  }
  if (country === 'BE') return belgianPostcode.exec(compact)?.[1];
  if (country === 'DE') {
    const plz = germanPostcode.exec(compact)?.[1];
    return plz && plz !== '99999' ? plz : undefined;
  }
  const candidate = postcode.trim().replace(/\s+/g, ' ').toUpperCase();
  return foreignPostcode.test(candidate) ? candidate : undefined;
}

/** The countries offered first in the portal; every ISO 3166-1 code with an IBAN is accepted. */
export const commonCountries = ['NL', 'BE', 'DE'] as const;

/** A country's name in Dutch or English ("Nederland", "Belgium"); the code when the runtime has no name. */
export function countryName(code: string, language: 'nl' | 'en'): string {
  try {
    return new Intl.DisplayNames([language], { type: 'region', fallback: 'code' }).of(code) ?? code;
  } catch {
    return code;
  }
}

export interface AddressLike extends HouseNumberParts {
  street: string;
  postcode: string;
  city: string;
  country: string;
}

/** Three lines as on an envelope: "Keizersgracht 123A", "1015 CJ Amsterdam", "Nederland". */
export function addressLines(address: AddressLike, language: 'nl' | 'en'): [string, string, string] {
  return [
    `${address.street} ${formatHouseNumber(address, address.country)}`,
    `${address.postcode} ${address.city}`,
    countryName(address.country, language),
  ];
}
