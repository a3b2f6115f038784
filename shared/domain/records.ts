import * as z from 'zod/mini';
import { oneTimeCodeSchema } from './one-time-code.js';
import { policy } from './policy.js';
import { legalHoldSchema } from './retention.js';
import { isoTimestamp, itemVersion, schema, wholeCount, wholeNumber } from './schema.js';

/** The records held per licensee, as stored (after the ciphertext is decoded, before any decryption). */

export const licenceStatusSchema = /* @__PURE__ */ schema(() => z.enum(['pending', 'active', 'ended']));

/** The languages a licensee can choose for the portal's mails; Dutch unless they chose English. */
export const preferredLanguages = ['nl', 'en'] as const;
export type PreferredLanguage = (typeof preferredLanguages)[number];

export const profileRecordSchema = /* @__PURE__ */ schema(() =>
  z.object({
    licenseeId: z.string(),
    status: licenceStatusSchema,
    createdAt: isoTimestamp,
    licenceStartedAt: z.optional(isoTimestamp),
    licenceEndedAt: z.optional(isoTimestamp),
    marketingOptOut: z.boolean(),
    /** The language every mail to this licensee is written in; profiles stored before it existed read as Dutch. */
    language: z.optional(z.enum(preferredLanguages)),
    emailIndex: z.string(),
    /** One envelope-encrypted JSON document holding every personal value of this licensee. */
    pii: z.custom<Uint8Array>((value) => value instanceof Uint8Array),
    confirmation: z.optional(oneTimeCodeSchema),
    emailChange: z.optional(z.object({ emailIndex: z.string(), code: oneTimeCodeSchema })),
    /** Epoch seconds at which the retention sweeper deletes everything (set on licence end). */
    purgeAt: z.optional(wholeNumber),
    /** Epoch seconds; DynamoDB TTL backstop, and reads treat a passed value as gone. */
    expiresAt: z.optional(wholeNumber),
    /** A legal hold pauses the purge (and lifts the TTL backstop) until its end date. */
    legalHold: z.optional(legalHoldSchema),
    /** Items deleted so far by a purge that had to stop halfway (per kind), for the deletion certificate. */
    purgeProgress: z.optional(z.record(z.string(), wholeCount)),
    version: itemVersion,
  }),
);
export type ProfileRecord = z.infer<typeof profileRecordSchema>;

/** The language of a licensee's mails (Dutch when the profile predates the preference). */
export const languageOf = (profile: Pick<ProfileRecord, 'language'>): PreferredLanguage =>
  profile.language ?? 'nl';

export const emailOwnerRecordSchema = /* @__PURE__ */ schema(() =>
  z.object({
    licenseeId: z.string(),
    expiresAt: z.optional(wholeNumber),
  }),
);
export type EmailOwnerRecord = z.infer<typeof emailOwnerRecordSchema>;

/**
 * The sign-in code of an email address (in the address's partition, keyed by its blind index): kept for
 * unregistered addresses too, so asking for a code costs the same for any address.
 */
export const signInCodeRecordSchema = /* @__PURE__ */ schema(() =>
  z.object({
    code: oneTimeCodeSchema,
    /**
     * The sign-in link mailed with the code (hash of its secret only): no attempt counter to spend, so
     * wrong guesses at the code cannot take it away. Absent in records written before links existed.
     */
    link: z.optional(z.object({ secretHash: z.string(), expiresAt: isoTimestamp })),
    expiresAt: wholeNumber,
    version: itemVersion,
  }),
);
export type SignInCodeRecord = z.infer<typeof signInCodeRecordSchema>;

export const sessionRecordSchema = /* @__PURE__ */ schema(() =>
  z.object({
    licenseeId: z.string(),
    secretHash: z.string(),
    createdAt: isoTimestamp,
    expiresAt: wholeNumber,
  }),
);
export type SessionRecord = z.infer<typeof sessionRecordSchema>;

export const privacyRequestTypeSchema = /* @__PURE__ */ schema(() =>
  z.enum(['overview', 'correction', 'deletion', 'marketing-opt-out', 'question', 'complaint']),
);

export const privacyRequestStatusSchema = /* @__PURE__ */ schema(() =>
  z.enum([
    'awaiting-confirmation',
    'open',
    'awaiting-staff-approval',
    'completed',
    'rejected',
    'closed-unconfirmed',
    'linked',
  ]),
);

/**
 * A privacy request as the licensee's overview shows it. The stored item holds more (encrypted message,
 * code hash, raw-mail keys; see `storedPrivacyRequestSchema` in privacy-request.ts), which parsing with this
 * schema strips, so the export never carries ciphertext or code hashes.
 */
export const privacyRequestRecordSchema = /* @__PURE__ */ schema(() =>
  z.object({
    requestId: z.string(),
    /** Quoted in mails and in the confirmation link, e.g. P-7K3M9Q2X. */
    reference: z.string(),
    type: privacyRequestTypeSchema,
    channel: z.enum(['web', 'email']),
    status: privacyRequestStatusSchema,
    receivedAt: isoTimestamp,
    dueAt: isoTimestamp,
    history: z.array(z.object({ at: isoTimestamp, status: privacyRequestStatusSchema })),
    /** For a `linked` request: the request it duplicates. */
    linkedTo: z.optional(z.string()),
  }),
);
export type PrivacyRequestRecord = z.infer<typeof privacyRequestRecordSchema>;

export const disclosureRecordSchema = /* @__PURE__ */ schema(() =>
  z.object({
    disclosureId: z.string(),
    recipient: z.string(),
    basis: z.enum(policy.disclosureBases),
    categories: z.array(z.string()),
    disclosedAt: isoTimestamp,
    reference: z.optional(z.string()),
  }),
);
export type DisclosureRecord = z.infer<typeof disclosureRecordSchema>;
