import { addDays, epochSeconds } from '../domain/dates.js';
import type { SignupBody } from '../domain/licensee.js';
import { issueCode, verifyCode } from '../domain/one-time-code.js';
import { policy } from '../domain/policy.js';
import type { ProfileRecord } from '../domain/records.js';
import type { ServiceDeps } from './deps.js';
import { mails } from './mail-templates.js';
import { sealPii } from './personal-data-vault.js';
import { invalidCode, startSession, type SessionGrant } from './session.js';

const confirmationSalt = (licenseeId: string) => `signup:${licenseeId}`;

/**
 * Registers a pending licence and mails a confirmation code. The outcome looks the same whether or not
 * the address is taken: an existing owner is told by mail instead, so the API reveals nobody's licence.
 */
export async function signup(deps: ServiceDeps, body: SignupBody): Promise<void> {
  const { marketingOptOut, ...data } = body;
  const now = deps.clock();
  const emailIndex = await deps.blindIndex.of(data.email);
  const owner = await deps.repo.findEmailOwner(emailIndex);
  const existing = owner && (await deps.repo.getProfile(owner.licenseeId));

  if (existing && existing.status !== 'pending') {
    await deps.mailer.send(mails.alreadyRegistered(data.email, deps.portalUrl));
    return;
  }

  const licenseeId = existing?.licenseeId ?? deps.newId();
  const issued = issueCode(existing?.confirmation, confirmationSalt(licenseeId), now);
  if (!issued.issued) {
    deps.count('CodesRateLimited');
    return;
  }
  const pendingUntil = epochSeconds(addDays(now, policy.retention.pendingSignupHours / 24));
  const profile: ProfileRecord = {
    licenseeId,
    status: 'pending',
    createdAt: existing?.createdAt ?? now.toISOString(),
    marketingOptOut,
    emailIndex,
    pii: await sealPii(deps.envelope, licenseeId, { data }),
    confirmation: issued.state,
    expiresAt: pendingUntil,
    version: (existing?.version ?? 0) + 1,
  };
  if (existing) await deps.repo.saveProfileWithEmailOwner(profile, existing.version, emailIndex);
  else await deps.repo.createProfile(profile);
  await deps.mailer.send(mails.signupCode(data.email, issued.code, deps.portalUrl));
  deps.count('Signups');
}

/**
 * A fresh confirmation code for a signup that is still pending (a lost or expired code), within the same
 * hourly limit as every code. Sent when a pending address asks for a sign-in code, so the answer to the
 * caller is the same as for any other address. Needs no decryption: `email` is the address typed, which
 * matched the blind index. A lost race sends nothing; the caller may ask again.
 */
export async function resendSignupCode(
  deps: Omit<ServiceDeps, 'envelope'>,
  profile: ProfileRecord,
  email: string,
): Promise<void> {
  const issued = issueCode(profile.confirmation, confirmationSalt(profile.licenseeId), deps.clock());
  if (!issued.issued) {
    deps.count('CodesRateLimited');
    return;
  }
  try {
    await deps.repo.saveProfile(
      { ...profile, confirmation: issued.state, version: profile.version + 1 },
      profile.version,
    );
  } catch (error) {
    if (error instanceof Error && error.name === 'ConcurrentUpdateError') return;
    throw error;
  }
  await deps.mailer.send(mails.signupCode(email, issued.code, deps.portalUrl));
  deps.count('SignupCodesResent');
}

/** Activates the licence when the mailed code is right, and signs the new licensee in. */
export async function confirmSignup(
  deps: Omit<ServiceDeps, 'envelope'>,
  input: { email: string; code: string },
): Promise<SessionGrant> {
  const now = deps.clock();
  const owner = await deps.repo.findEmailOwner(await deps.blindIndex.of(input.email));
  const profile = owner && (await deps.repo.getProfile(owner.licenseeId));
  if (!profile || profile.status !== 'pending' || !profile.confirmation) throw invalidCode(deps);

  const verdict = verifyCode(profile.confirmation, confirmationSalt(profile.licenseeId), input.code, now);
  if (verdict.outcome === 'rejected') {
    await deps.repo.saveProfile(
      { ...profile, confirmation: verdict.state, version: profile.version + 1 },
      profile.version,
    );
    throw invalidCode(deps);
  }
  const { confirmation: _used, expiresAt: _pending, ...rest } = profile;
  const active: ProfileRecord = {
    ...rest,
    status: 'active',
    licenceStartedAt: now.toISOString(),
    version: profile.version + 1,
  };
  await deps.repo.saveProfileWithEmailOwner(active, profile.version, profile.emailIndex);
  deps.count('SignupsConfirmed');
  return startSession(deps, profile.licenseeId);
}
