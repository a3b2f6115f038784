import * as z from 'zod';
import { personalDataSchema, type PersonalData, type ProfilePatch } from '../domain/licensee.js';
import { issueCode, verifyCode } from '../domain/one-time-code.js';
import { ProblemError } from '../domain/problem-error.js';
import { licenceStatusSchema, type ProfileRecord } from '../domain/records.js';
import type { ServiceDeps } from './deps.js';
import { mails } from './mail-templates.js';
import { openPii, sealPii, type PiiDocument } from './personal-data-vault.js';
import { invalidCode } from './session.js';

export const profileViewSchema = z.object({
  licenseeId: z.string(),
  status: licenceStatusSchema,
  personalData: personalDataSchema,
  marketingOptOut: z.boolean(),
  licence: z.object({ startedAt: z.iso.datetime().nullable(), endedAt: z.iso.datetime().nullable() }),
  /** An email change waits for the code mailed to the new address; the new address is not shown back. */
  emailChangePending: z.boolean(),
});
export type ProfileView = z.infer<typeof profileViewSchema>;

const emailChangeSalt = (licenseeId: string) => `email-change:${licenseeId}`;

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
    licence: { startedAt: profile.licenceStartedAt ?? null, endedAt: profile.licenceEndedAt ?? null },
    emailChangePending: profile.emailChange !== undefined,
  };
}

export async function getProfileView(deps: ServiceDeps, licenseeId: string): Promise<ProfileView> {
  const { profile, pii } = await loadProfile(deps, licenseeId);
  return viewOf(profile, pii);
}

/**
 * Corrects or completes the profile. A new email address takes effect only after the code mailed to it
 * is confirmed; everything else applies at once.
 */
export async function correctProfile(
  deps: ServiceDeps,
  licenseeId: string,
  patch: ProfilePatch,
): Promise<ProfileView> {
  const now = deps.clock();
  const { profile, pii } = await loadProfile(deps, licenseeId);
  const { email, ...direct } = patch;
  const data: PersonalData = { ...pii.data, ...direct };
  let document: PiiDocument = { ...pii, data };
  let emailChange = profile.emailChange;
  let mail;

  if (email !== undefined && email !== pii.data.email) {
    const emailIndex = await deps.blindIndex.of(email);
    if (await deps.repo.findEmailOwner(emailIndex)) {
      mail = mails.emailInUse(email);
    } else {
      const issued = issueCode(profile.emailChange?.code, emailChangeSalt(licenseeId), now);
      if (!issued.issued) throw new ProblemError(429, 'rate-limited');
      emailChange = { emailIndex, code: issued.state };
      document = { data, pendingEmail: email };
      mail = mails.emailChangeCode(email, issued.code);
    }
  }
  const updated: ProfileRecord = {
    ...profile,
    pii: await sealPii(deps.envelope, licenseeId, document),
    emailChange,
    version: profile.version + 1,
  };
  await deps.repo.saveProfile(updated, profile.version);
  if (mail) await deps.mailer.send(mail);
  deps.count('ProfileCorrections');
  return viewOf(updated, document);
}

export async function confirmEmailChange(
  deps: ServiceDeps,
  licenseeId: string,
  code: string,
): Promise<ProfileView> {
  const now = deps.clock();
  const { profile, pii } = await loadProfile(deps, licenseeId);
  const change = profile.emailChange;
  if (!change || !pii.pendingEmail) throw invalidCode(deps);

  const verdict = verifyCode(change.code, emailChangeSalt(licenseeId), code, now);
  if (verdict.outcome === 'rejected') {
    await deps.repo.saveProfile(
      { ...profile, emailChange: { ...change, code: verdict.state }, version: profile.version + 1 },
      profile.version,
    );
    throw invalidCode(deps);
  }
  const document: PiiDocument = { data: { ...pii.data, email: pii.pendingEmail } };
  const { emailChange: _done, ...rest } = profile;
  const updated: ProfileRecord = {
    ...rest,
    emailIndex: change.emailIndex,
    pii: await sealPii(deps.envelope, licenseeId, document),
    version: profile.version + 1,
  };
  await deps.repo.saveProfileWithEmailOwner(updated, profile.version, profile.emailIndex);
  return viewOf(updated, document);
}

export async function setMarketingPreference(
  deps: ServiceDeps,
  licenseeId: string,
  optOut: boolean,
): Promise<ProfileView> {
  const { profile, pii } = await loadProfile(deps, licenseeId);
  const updated: ProfileRecord = { ...profile, marketingOptOut: optOut, version: profile.version + 1 };
  if (profile.marketingOptOut !== optOut) {
    await deps.repo.saveProfile(updated, profile.version);
    await deps.mailer.send(mails.marketingPreference(pii.data.email, optOut));
    if (optOut) deps.count('MarketingOptOuts');
  }
  return viewOf(updated, pii);
}
