import { electronicFormatIBAN, getCountrySpecifications, isValidIBAN } from 'ibantools';
import * as z from 'zod/mini';
import { maxAdditionLength } from './address.js';
import {
  addressSchemaWith,
  emailSchema,
  languageSchema,
  text,
  typeError,
  type TextSchema,
} from './licensee.js';
import { looksLikePatientData } from './patient-text.js';
import { schema } from './schema.js';

/**
 * What a person types about themselves: a name, an address and an IBAN, checked harder than what is read
 * back from storage (licensee.ts): the patient-text guard on free text, ibantools' country list and IBAN
 * check, the BAG limits on house numbers. The signup body and the profile patch are made of these.
 *
 * A file of its own, because an esbuild bundle splits by file: self-service loads its profile changes on
 * first use and then reads none of this (nor ibantools) at cold init; a function that never takes typed
 * personal data carries none of it (bundle-contents.test.ts).
 */

/** ISO 3166-1 alpha-2 codes, as listed by ibantools (made on first use, so an unused country check drops). */
let countryCodes: ReadonlySet<string> | undefined;
const isCountryCode = (s: string) =>
  (countryCodes ??= new Set(Object.keys(getCountrySpecifications()))).has(s);

/**
 * Typed text is also refused when it carries signs of patient data (a date of birth, "patiënt" with a name,
 * a diagnosis, medication: patient-text.ts).
 */
const guardedText = (max: number): TextSchema =>
  text(max).check(z.refine((s) => !looksLikePatientData(s, 'name'), { message: 'patient-data-text' }));

export const nameSchema = /* @__PURE__ */ schema(() => guardedText(120));

export const countrySchema = /* @__PURE__ */ schema(() =>
  z.string({ error: typeError }).check(
    z.trim(),
    z.toUpperCase(),
    z.refine((s) => /^[A-Z]{2}$/.test(s) && isCountryCode(s), { message: 'invalid-country' }),
  ),
);

/** What a form or API client sends: the BAG limits apply. */
export const addressSchema = /* @__PURE__ */ schema(() =>
  addressSchemaWith(maxAdditionLength, guardedText, countrySchema),
);

/** Accepts the printed form ("nl91 abna 0417 1643 00"); yields the electronic form ("NL91ABNA0417164300"). */
export const ibanSchema = /* @__PURE__ */ schema(() =>
  z.string({ error: typeError }).check(
    z.trim(),
    z.minLength(1, { message: 'required', abort: true }),
    z.maxLength(64, { message: 'invalid-iban', abort: true }),
    z.refine((s) => isValidIBAN(electronicFormatIBAN(s) ?? ''), { message: 'invalid-iban' }),
    z.overwrite((s) => electronicFormatIBAN(s) ?? s),
  ),
);

export const signupBodySchema = /* @__PURE__ */ schema(() =>
  z.strictObject(
    {
      name: nameSchema,
      address: addressSchema,
      email: emailSchema,
      iban: ibanSchema,
      marketingOptOut: z._default(z.boolean({ error: typeError }), false),
      language: z._default(languageSchema, 'nl'),
    },
    { error: typeError },
  ),
);

/** A profile change: any of the fields, at least one; an address replaces the whole address. */
export const profilePatchSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject(
      {
        name: z.optional(nameSchema),
        address: z.optional(addressSchema),
        email: z.optional(emailSchema),
        iban: z.optional(ibanSchema),
        language: z.optional(languageSchema),
      },
      { error: typeError },
    )
    .check(
      z.refine((patch) => Object.values(patch).some((value) => value !== undefined), {
        message: 'empty-patch',
      }),
    ),
);

export type Address = z.infer<typeof addressSchema>;
export type SignupBody = z.infer<typeof signupBodySchema>;
export type ProfilePatch = z.infer<typeof profilePatchSchema>;
