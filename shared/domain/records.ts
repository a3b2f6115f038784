import * as z from 'zod';
import { oneTimeCodeSchema } from './one-time-code.js';
import { policy } from './policy.js';

/** The records held per licensee, as stored (after the ciphertext is decoded, before any decryption). */

export const licenceStatusSchema = z.enum(['pending', 'active', 'ended']);

export const profileRecordSchema = z.object({
  licenseeId: z.string(),
  status: licenceStatusSchema,
  createdAt: z.iso.datetime(),
  licenceStartedAt: z.iso.datetime().optional(),
  licenceEndedAt: z.iso.datetime().optional(),
  marketingOptOut: z.boolean(),
  emailIndex: z.string(),
  /** One envelope-encrypted JSON document holding every personal value of this licensee. */
  pii: z.custom<Uint8Array>((value) => value instanceof Uint8Array),
  confirmation: oneTimeCodeSchema.optional(),
  emailChange: z.object({ emailIndex: z.string(), code: oneTimeCodeSchema }).optional(),
  /** Epoch seconds at which the retention sweeper deletes everything (set on licence end). */
  purgeAt: z.number().int().optional(),
  /** Epoch seconds; DynamoDB TTL backstop, and reads treat a passed value as gone. */
  expiresAt: z.number().int().optional(),
  version: z.number().int().min(1),
});
export type ProfileRecord = z.infer<typeof profileRecordSchema>;

export const emailOwnerRecordSchema = z.object({
  licenseeId: z.string(),
  expiresAt: z.number().int().optional(),
});
export type EmailOwnerRecord = z.infer<typeof emailOwnerRecordSchema>;

export const signInCodeRecordSchema = z.object({
  licenseeId: z.string(),
  code: oneTimeCodeSchema,
  expiresAt: z.number().int(),
});
export type SignInCodeRecord = z.infer<typeof signInCodeRecordSchema>;

export const sessionRecordSchema = z.object({
  licenseeId: z.string(),
  secretHash: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.number().int(),
});
export type SessionRecord = z.infer<typeof sessionRecordSchema>;

export const privacyRequestTypeSchema = z.enum([
  'overview',
  'correction',
  'deletion',
  'marketing-opt-out',
  'question',
  'complaint',
]);

export const privacyRequestRecordSchema = z.object({
  requestId: z.string(),
  type: privacyRequestTypeSchema,
  channel: z.enum(['web', 'email']),
  status: z.string(),
  receivedAt: z.iso.datetime(),
  dueAt: z.iso.datetime(),
});
export type PrivacyRequestRecord = z.infer<typeof privacyRequestRecordSchema>;

export const disclosureRecordSchema = z.object({
  disclosureId: z.string(),
  recipient: z.string(),
  basis: z.enum(policy.disclosureBases),
  categories: z.array(z.string()),
  disclosedAt: z.iso.datetime(),
  reference: z.string().optional(),
});
export type DisclosureRecord = z.infer<typeof disclosureRecordSchema>;
