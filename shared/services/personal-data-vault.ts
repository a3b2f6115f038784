import * as z from 'zod/mini';
import { emailSchema, personalDataSchema, type PersonalData } from '../domain/licensee.js';
import { schema } from '../domain/schema.js';
import type { Envelope } from './ports.js';

/**
 * The encrypted document: the personal data, plus an email address awaiting verification. Built through
 * `schema()`, so a function that bundles a service with a profile path it never calls drops it, and the IBAN
 * check and ibantools with it.
 */
export const piiDocumentSchema = /* @__PURE__ */ schema(() =>
  z.object({
    data: personalDataSchema,
    pendingEmail: z.optional(emailSchema),
  }),
);
export type PiiDocument = z.infer<typeof piiDocumentSchema>;

const purpose = 'licensee-profile';

export async function sealPii(
  envelope: Envelope,
  licenseeId: string,
  document: PiiDocument,
): Promise<Uint8Array> {
  return envelope.encrypt(new TextEncoder().encode(JSON.stringify(document)), { licenseeId, purpose });
}

export async function openPii(
  envelope: Envelope,
  licenseeId: string,
  ciphertext: Uint8Array,
): Promise<PiiDocument> {
  const plaintext = await envelope.decrypt(ciphertext, { licenseeId, purpose });
  return piiDocumentSchema.parse(JSON.parse(new TextDecoder().decode(plaintext)));
}

export type { PersonalData };
