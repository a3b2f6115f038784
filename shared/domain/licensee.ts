import * as z from 'zod/mini';
import { legacyMaxAdditionLength, normalisePostcode, parseHouseNumber, postcodeProblem } from './address.js';
import { preferredLanguages } from './records.js';
import { schema } from './schema.js';

/**
 * The personal data ZorgSom holds about a licensee (privacy statement §1: name, address, email, IBAN) as it
 * is stored and read back, and the small request bodies (email, code). Every schema is strict: an unknown
 * key is an error, so nothing else can slip into storage. Error messages are codes of the catalogue in
 * `problems.ts`, never values.
 *
 * What a person types (name, address and IBAN checked against ibantools and the patient-text guard, the
 * signup body, the profile patch) is in `licensee-input.ts`, a file of its own: a bundle splits by file, so a
 * function that loads its profile changes on first use (self-service) reads none of that at cold init.
 * A function bundle drops the schemas it never uses; esbuild can only drop a schema built through `schema()`
 * (./schema.ts).
 */

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
export const typeError = (issue: { input?: unknown }) =>
  issue.input === undefined ? 'required' : 'invalid-format';

/**
 * Trimmed, NFC-normalised single-line text of 1..max characters. Typed input is also refused when it carries
 * signs of patient data (`guardedText` in licensee-input.ts); text read back from storage is not judged
 * again, so an old profile always reads.
 */
export const text = (max: number) =>
  z.string({ error: typeError }).check(
    z.trim(),
    z.normalize('NFC'),
    z.minLength(1, { message: 'required' }),
    z.maxLength(max, { message: 'too-long' }),
    z.refine((s) => honestText(s), { message: 'invalid-characters', abort: true }),
    z.refine((s) => !controlCharacters.test(s), { message: 'invalid-format' }),
  );
export type TextSchema = ReturnType<typeof text>;

const storedNameSchema = /* @__PURE__ */ schema(() => text(120));

/**
 * A country as stored: checked against ibantools' list when it was typed, read back by its shape only, so a
 * stored profile reads whatever a later list says, and a function that only reads profiles carries no ibantools.
 */
export const storedCountrySchema = /* @__PURE__ */ schema(() =>
  z.string({ error: typeError }).check(
    z.trim(),
    z.toUpperCase(),
    z.refine((s) => /^[A-Z]{2}$/.test(s), { message: 'invalid-country' }),
  ),
);

/** An optional part that a form may send empty ("" means none). */
const optionalPart = (max: number) =>
  z
    .optional(z.string({ error: typeError }).check(z.trim(), z.maxLength(max, { message: 'too-long' })))
    .check(z.overwrite((s) => (s === '' ? undefined : s)));

/**
 * The text and country checks are parameters (typed input adds the patient-text guard and ibantools' country
 * list), so what only typed input needs stays in licensee-input.ts.
 */
const addressFieldsOf = (textOf: (max: number) => TextSchema, country: typeof storedCountrySchema) =>
  z.strictObject(
    {
      street: textOf(100),
      /** As written: "12", "12a", "12-2", "12 bis"; split below into number, letter and addition. */
      houseNumber: z
        .string({ error: typeError })
        .check(
          z.trim(),
          z.minLength(1, { message: 'required' }),
          z.maxLength(20, { message: 'invalid-house-number' }),
        ),
      houseLetter: optionalPart(1),
      houseNumberAddition: optionalPart(legacyMaxAdditionLength),
      postcode: z
        .string({ error: typeError })
        .check(
          z.trim(),
          z.minLength(1, { message: 'required' }),
          z.maxLength(16, { message: 'invalid-postcode' }),
        ),
      city: textOf(80),
      country: z._default(country, 'NL'),
    },
    { error: typeError },
  );
type AddressFields = z.infer<ReturnType<typeof addressFieldsOf>>;

/**
 * A postal address as people type it, stored the BAG way: "12-A" becomes houseNumber 12 and houseLetter A,
 * "12 bis" houseNumber 12 and houseNumberAddition BIS; the postcode is checked and normalised for the country
 * ("1234ab" → "1234 AB" in NL, "B-1000" → "1000" in BE). A field error names the field that was typed.
 */
export function addressSchemaWith(
  maxAddition: number,
  textOf: (max: number) => TextSchema,
  country: typeof storedCountrySchema,
) {
  const split = (address: AddressFields) =>
    parseHouseNumber(
      address.houseNumber,
      [address.houseLetter, address.houseNumberAddition].filter(Boolean).join(' '),
      { maxAddition },
    );
  return addressFieldsOf(textOf, country).check(
    z.superRefine((address, ctx) => {
      const parts = split(address);
      if (!parts.ok) {
        // A too-long addition typed in its own field is reported there; anything else at the number.
        const path =
          parts.code === 'house-number-addition-too-long' && address.houseNumberAddition
            ? 'houseNumberAddition'
            : 'houseNumber';
        ctx.addIssue({ code: 'custom', message: parts.code, path: [path] });
      }
      if (normalisePostcode(address.postcode, address.country) === undefined) {
        ctx.addIssue({ code: 'custom', message: postcodeProblem(address.country), path: ['postcode'] });
      }
    }),
    // overwrite (not transform) keeps the type, so the export's JSON Schema can still describe it.
    z.overwrite((address) => {
      const parts = split(address);
      const normalised = {
        ...address,
        postcode: normalisePostcode(address.postcode, address.country) ?? address.postcode,
      };
      // No empty key is stored for an absent letter or addition.
      delete normalised.houseLetter;
      delete normalised.houseNumberAddition;
      return parts.ok
        ? {
            ...normalised,
            houseNumber: parts.houseNumber,
            ...(parts.houseLetter ? { houseLetter: parts.houseLetter } : {}),
            ...(parts.houseNumberAddition ? { houseNumberAddition: parts.houseNumberAddition } : {}),
          }
        : normalised;
    }),
  );
}

/**
 * What is read back from storage. Profiles stored before the BAG split hold a digits-only number and an
 * addition of up to ten characters ("2-hoog"): they still read, and come out split the same way.
 */
export const storedAddressSchema = /* @__PURE__ */ schema(() =>
  addressSchemaWith(legacyMaxAdditionLength, text, storedCountrySchema),
);

/** Email addresses are compared and stored trimmed and lowercased as a whole. */
export function normaliseEmail(s: string): string {
  return s.trim().toLowerCase();
}

export const emailSchema = /* @__PURE__ */ schema(() =>
  z.pipe(
    z
      .string({ error: typeError })
      .check(
        z.trim(),
        z.toLowerCase(),
        z.minLength(1, { message: 'required' }),
        z.maxLength(254, { message: 'too-long' }),
      ),
    z.email({ message: 'invalid-email' }),
  ),
);

/**
 * An IBAN as stored: its checksum and country format were checked when it was typed (electronic form); read
 * back by its shape only, like the stored name and address, so a profile still reads if ibantools' country
 * tables change, and a function that only reads profiles carries no ibantools.
 */
const storedIbanSchema = /* @__PURE__ */ schema(() =>
  z.string({ error: typeError }).check(
    z.trim(),
    z.minLength(1, { message: 'required', abort: true }),
    z.maxLength(64, { message: 'invalid-iban', abort: true }),
    // The electronic form, as ibantools' electronicFormatIBAN writes it.
    z.overwrite((s) => s.replace(/[- ]/g, '').toUpperCase()),
    z.refine((s) => /^[A-Z]{2}[0-9]{2}[A-Z0-9]+$/.test(s), { message: 'invalid-iban' }),
  ),
);

/** Exactly what is encrypted and stored about a licensee, nothing more (older stored shapes still read). */
export const personalDataSchema = /* @__PURE__ */ schema(() =>
  z.strictObject(
    { name: storedNameSchema, address: storedAddressSchema, email: emailSchema, iban: storedIbanSchema },
    { error: typeError },
  ),
);

/** The language of the licensee's mails: the portal's language at signup, changeable on the profile page. */
export const languageSchema = /* @__PURE__ */ schema(() =>
  z.enum(preferredLanguages, { error: () => 'invalid-language' }),
);

export const marketingBodySchema = /* @__PURE__ */ schema(() =>
  z.strictObject({ optOut: z.boolean({ error: typeError }) }, { error: typeError }),
);

/** A mailed one-time code: six digits. */
export const codeSchema = /* @__PURE__ */ schema(() =>
  z.string({ error: typeError }).check(z.trim(), z.regex(/^[0-9]{6}$/, { message: 'invalid-code' })),
);

export const emailCodeBodySchema = /* @__PURE__ */ schema(() =>
  z.strictObject({ email: emailSchema }, { error: typeError }),
);
export const emailAndCodeBodySchema = /* @__PURE__ */ schema(() =>
  z.strictObject({ email: emailSchema, code: codeSchema }, { error: typeError }),
);
export const codeBodySchema = /* @__PURE__ */ schema(() =>
  z.strictObject({ code: codeSchema }, { error: typeError }),
);
/** The token of a mailed sign-in link (`<licenseeId>.<secret>`); its shape is checked where it is judged. */
export const signInLinkBodySchema = /* @__PURE__ */ schema(() =>
  z.strictObject(
    { token: z.string({ error: typeError }).check(z.maxLength(100, { message: 'invalid-code' })) },
    { error: typeError },
  ),
);

export { normalisePostcode };
export type PersonalData = z.infer<typeof personalDataSchema>;
export type MarketingBody = z.infer<typeof marketingBodySchema>;
export type EmailCodeBody = z.infer<typeof emailCodeBodySchema>;
export type EmailAndCodeBody = z.infer<typeof emailAndCodeBodySchema>;
export type CodeBody = z.infer<typeof codeBodySchema>;
