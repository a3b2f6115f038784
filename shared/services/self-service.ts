import * as z from 'zod/mini';
import { personalDataSchema } from '../domain/licensee.js';
import { ProblemError } from '../domain/problem-error.js';
import { isoTimestamp, schema } from '../domain/schema.js';
import {
  languageOf,
  licenceStatusSchema,
  preferredLanguages,
  type ProfileRecord,
} from '../domain/records.js';
import type { ServiceDeps } from './deps.js';
import { openPii, type PiiDocument } from './personal-data-vault.js';

/**
 * What a licensee reads of their own profile. The changes (correct, email change, marketing choice) are in
 * profile-changes.ts: a file of their own, so self-service loads them, with ibantools, the typed-input checks
 * and the mails, on first use only; reading the profile (every portal visit) does not wait for them.
 */

/** What `GET /api/me` answers; only its type and the export's JSON Schema use it, so bundles drop it. */
export const profileViewSchema = /* @__PURE__ */ schema(() =>
  z.object({
    licenseeId: z.string(),
    status: licenceStatusSchema,
    personalData: personalDataSchema,
    marketingOptOut: z.boolean(),
    /** The language of every mail ZorgSom sends this licensee. */
    language: z.enum(preferredLanguages),
    licence: z.object({ startedAt: z.nullable(isoTimestamp), endedAt: z.nullable(isoTimestamp) }),
    /** An email change waits for the code mailed to the new address; the new address is not shown back. */
    emailChangePending: z.boolean(),
  }),
);
export type ProfileView = z.infer<typeof profileViewSchema>;

export async function loadProfile(
  deps: ServiceDeps,
  licenseeId: string,
): Promise<{ profile: ProfileRecord; pii: PiiDocument }> {
  const profile = await deps.repo.getProfile(licenseeId);
  if (!profile) throw new ProblemError(404, 'not-found');
  return { profile, pii: await openPii(deps.envelope, licenseeId, profile.pii) };
}

export function viewOf(profile: ProfileRecord, pii: PiiDocument): ProfileView {
  return {
    licenseeId: profile.licenseeId,
    status: profile.status,
    personalData: pii.data,
    marketingOptOut: profile.marketingOptOut,
    language: languageOf(profile),
    licence: { startedAt: profile.licenceStartedAt ?? null, endedAt: profile.licenceEndedAt ?? null },
    emailChangePending: profile.emailChange !== undefined,
  };
}

export async function getProfileView(deps: ServiceDeps, licenseeId: string): Promise<ProfileView> {
  const { profile, pii } = await loadProfile(deps, licenseeId);
  return viewOf(profile, pii);
}
