import { electronicFormatIBAN, getCountrySpecifications, isValidIBAN } from 'ibantools';
import * as z from 'zod';

/**
 * The personal data ZorgSom holds about a licensee (privacy statement §1: name, address, email, IBAN) and
 * the request bodies that carry it. Every schema is strict: an unknown key is an error, so nothing else
 * can slip into storage. Error messages are codes of the catalogue in `problems.ts`, never values.
 */

/** ISO 3166-1 alpha-2 codes, as listed by ibantools. */
const countryCodes: ReadonlySet<string> = new Set(Object.keys(getCountrySpecifications()));

const controlCharacters = /[\p{Cc}\u2028\u2029]/u;

/**
 * Characters that make text look other than it is: bidirectional controls (U+202E turns "gnp.exe" into
 * "exe.png"), zero-width characters and the byte-order mark. With unpaired surrogates (text that is not
 * valid Unicode) they are refused with `invalid-characters`, naming the field.
 */
const deceptiveCharacters = /[\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;

/** With the u flag a lone surrogate is a code point of category Cs; a proper pair is one other code point. */
const unpairedSurrogate = /\p{Cs}/u;

/** Valid Unicode without bidi controls or zero-width characters (names and free text everywhere). */
export const honestText = (s: string) => !unpairedSurrogate.test(s) && !deceptiveCharacters.test(s);

/** A missing value is `required`, a value of the wrong type `invalid-format`; the value itself is never echoed. */
const typeError = (issue: { input?: unknown }) => (issue.input === undefined ? 'required' : 'invalid-format');

/** Trimmed, NFC-normalised single-line text of 1..max characters. */
function text(max: number) {
  return z
    .string({ error: typeError })
    .trim()
    .normalize('NFC')
    .min(1, { message: 'required' })
    .max(max, { message: 'too-long' })
    .refine((s) => honestText(s), { message: 'invalid-characters', abort: true })
    .refine((s) => !controlCharacters.test(s), { message: 'invalid-format' });
}

export const nameSchema = text(120);

/** Dutch postcode: four digits (not starting with 0) and two letters, of which SA, SD and SS are never issued. */
const dutchPostcode = /^([1-9][0-9]{3})([A-Z]{2})$/;
const unissuedDutchLetters: ReadonlySet<string> = new Set(['SA', 'SD', 'SS']);
const foreignPostcode = /^[A-Z0-9](?:[A-Z0-9 -]{0,8})[A-Z0-9]$/;

/** The canonical form of a postcode for `country`, or undefined when it is not a valid one. */
export function normalisePostcode(postcode: string, country: string): string | undefined {
  if (country === 'NL') {
    const match = dutchPostcode.exec(postcode.replace(/\s+/g, '').toUpperCase());
    if (!match || unissuedDutchLetters.has(match[2] ?? '')) return undefined;
    return `${match[1]} ${match[2]}`;
  }
  const candidate = postcode.trim().replace(/\s+/g, ' ').toUpperCase();
  return foreignPostcode.test(candidate) ? candidate : undefined;
}

export const countrySchema = z
  .string({ error: typeError })
  .trim()
  .toUpperCase()
  .refine((s) => /^[A-Z]{2}$/.test(s) && countryCodes.has(s), { message: 'invalid-country' });

const addressFields = z.strictObject(
  {
    street: text(100),
    houseNumber: z
      .string({ error: typeError })
      .trim()
      .min(1, { message: 'required' })
      .max(5, { message: 'too-long' })
      .regex(/^[0-9]+$/, { message: 'invalid-format' }),
    houseNumberAddition: z
      .string({ error: typeError })
      .trim()
      .max(10, { message: 'too-long' })
      .regex(/^[A-Za-z0-9-]*$/, { message: 'invalid-format' })
      .optional()
      // A form that sends an empty addition means "none".
      .overwrite((s) => (s === '' ? undefined : s)),
    postcode: z
      .string({ error: typeError })
      .trim()
      .min(1, { message: 'required' })
      .max(16, { message: 'invalid-postcode' }),
    city: text(80),
    country: countrySchema.default('NL'),
  },
  { error: typeError },
);

/** A postal address; the postcode is checked and normalised for the country ("1234ab" → "1234 AB" in NL). */
export const addressSchema = addressFields
  .superRefine((address, ctx) => {
    if (normalisePostcode(address.postcode, address.country) === undefined) {
      ctx.addIssue({ code: 'custom', message: 'invalid-postcode', path: ['postcode'] });
    }
  })
  // overwrite (not transform) keeps the type, so the export's JSON Schema can still describe it.
  .overwrite((address) => {
    const normalised = {
      ...address,
      postcode: normalisePostcode(address.postcode, address.country) ?? address.postcode,
    };
    // No empty key is stored for an absent addition.
    if (normalised.houseNumberAddition === undefined) delete normalised.houseNumberAddition;
    return normalised;
  });

/** Email addresses are compared and stored trimmed and lowercased as a whole. */
export function normaliseEmail(s: string): string {
  return s.trim().toLowerCase();
}

export const emailSchema = z
  .string({ error: typeError })
  .trim()
  .toLowerCase()
  .min(1, { message: 'required' })
  .max(254, { message: 'too-long' })
  .pipe(z.email({ message: 'invalid-email' }));

/** Accepts the printed form ("nl91 abna 0417 1643 00"); yields the electronic form ("NL91ABNA0417164300"). */
export const ibanSchema = z
  .string({ error: typeError })
  .trim()
  .min(1, { message: 'required', abort: true })
  .max(64, { message: 'invalid-iban', abort: true })
  .refine((s) => isValidIBAN(electronicFormatIBAN(s) ?? ''), { message: 'invalid-iban' })
  .overwrite((s) => electronicFormatIBAN(s) ?? s);

const fields = {
  name: nameSchema,
  address: addressSchema,
  email: emailSchema,
  iban: ibanSchema,
};

/** Exactly what is encrypted and stored about a licensee, nothing more. */
export const personalDataSchema = z.strictObject(fields, { error: typeError });

export const signupBodySchema = z.strictObject(
  { ...fields, marketingOptOut: z.boolean({ error: typeError }).default(false) },
  { error: typeError },
);

/** A profile change: any of the fields, at least one; an address replaces the whole address. */
export const profilePatchSchema = z
  .strictObject(
    {
      name: nameSchema.optional(),
      address: addressSchema.optional(),
      email: emailSchema.optional(),
      iban: ibanSchema.optional(),
    },
    { error: typeError },
  )
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), { message: 'empty-patch' });

export const marketingBodySchema = z.strictObject(
  { optOut: z.boolean({ error: typeError }) },
  { error: typeError },
);

/** A mailed one-time code: six digits. */
export const codeSchema = z
  .string({ error: typeError })
  .trim()
  .regex(/^[0-9]{6}$/, { message: 'invalid-code' });

export const emailCodeBodySchema = z.strictObject({ email: emailSchema }, { error: typeError });
export const emailAndCodeBodySchema = z.strictObject(
  { email: emailSchema, code: codeSchema },
  { error: typeError },
);
export const codeBodySchema = z.strictObject({ code: codeSchema }, { error: typeError });

export type Address = z.infer<typeof addressSchema>;
export type PersonalData = z.infer<typeof personalDataSchema>;
export type SignupBody = z.infer<typeof signupBodySchema>;
export type ProfilePatch = z.infer<typeof profilePatchSchema>;
export type MarketingBody = z.infer<typeof marketingBodySchema>;
export type EmailCodeBody = z.infer<typeof emailCodeBodySchema>;
export type EmailAndCodeBody = z.infer<typeof emailAndCodeBodySchema>;
export type CodeBody = z.infer<typeof codeBodySchema>;
