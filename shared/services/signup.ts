import { addDays, epochSeconds } from '../domain/dates.js';
import { absentLicenseeId } from '../domain/ids.js';
import type { SignupBody } from '../domain/licensee-input.js';
import { issueCode, spendAddressBudget } from '../domain/one-time-code.js';
import { policy } from '../domain/policy.js';
import { ConcurrentUpdateError, retryOnConflict } from '../domain/problem-error.js';
import { languageOf, type ProfileRecord } from '../domain/records.js';
import { judgeGuess } from './code-guard.js';
import type { ServiceDeps } from './deps.js';
import { signupMails, signupSummaryOf } from './mail-templates.js';
import { openPii, sealPii } from './personal-data-vault.js';
import { invalidCode, startSession, type SessionGrant } from './sessions.js';

const confirmationSalt = (licenseeId: string) => `signup:${licenseeId}`;
/** The per-address budget every signup spends, whatever the address's state (see policy.signup). */
const signupBudget = 'signup';

/**
 * Registers a pending licence and mails a confirmation code naming what is confirmed. The answer, and the
 * reads and writes behind it, are the same whether the address is free, pending or registered:
 *
 * - free: the pending licence is created and the code mailed;
 * - pending: the first signup's data stays as it is; a new code for it is mailed (never the data just
 *   sent, which is discarded), so nobody can swap the name or IBAN of someone else's signup;
 * - registered: the owner is told by mail that someone tried.
 *
 * Each path spends one use of the address's hourly signup budget in the same conditional write as its
 * change, so parallel signups for one address create one licensee and send at most the budget in mails.
 */
export async function signup(deps: ServiceDeps, body: SignupBody): Promise<void> {
  const { marketingOptOut, language, ...data } = body;
  const emailIndex = await deps.blindIndex.of(data.email);
  await retryOnConflict(async () => {
    const now = deps.clock();
    const owner = await deps.repo.findEmailOwner(emailIndex);
    const existing = await deps.repo.getProfile(owner?.licenseeId ?? absentLicenseeId);
    const budget = spendAddressBudget(
      await deps.repo.getAddressBudget(emailIndex, signupBudget),
      policy.signup.maxPerAddressPerHour,
      now,
    );
    if (!budget) {
      deps.count('CodesRateLimited');
      return;
    }
    const spendBudget = deps.repo.addressBudgetTransactItem(emailIndex, signupBudget, budget);

    if (existing?.status === 'pending') {
      const { data: first } = await openPii(deps.envelope, existing.licenseeId, existing.pii);
      const issued = await issueCode(
        deps.codeMac,
        existing.confirmation,
        confirmationSalt(existing.licenseeId),
        now,
      );
      if (!issued.issued) {
        deps.count('CodesRateLimited');
        return;
      }
      await deps.repo.transact([
        deps.repo.profileTransactItem(
          { ...existing, confirmation: issued.state, version: existing.version + 1 },
          existing.version,
        ),
        spendBudget,
        await deps.mailer.outboxItem(
          signupMails(languageOf(existing)).signupCode(
            data.email,
            issued.code,
            deps.portalUrl,
            signupSummaryOf(first),
          ),
        ),
      ]);
      deps.count('SignupCodesResent');
      return;
    }

    if (existing) {
      // Same KMS work as the other paths (a seal and a code MAC), so timing tells nothing either.
      await sealPii(deps.envelope, deps.newId(), { data });
      await issueCode(deps.codeMac, undefined, confirmationSalt(absentLicenseeId), now);
      await deps.repo.transact([
        spendBudget,
        await deps.mailer.outboxItem(
          signupMails(languageOf(existing)).alreadyRegistered(data.email, deps.portalUrl),
        ),
      ]);
      return;
    }

    const licenseeId = deps.newId();
    const issued = await issueCode(deps.codeMac, undefined, confirmationSalt(licenseeId), now);
    if (!issued.issued) return;
    const profile = newPendingProfile(licenseeId, { marketingOptOut, language }, emailIndex, now);
    await deps.repo.createProfile(
      {
        ...profile,
        pii: await sealPii(deps.envelope, licenseeId, { data }),
        confirmation: issued.state,
      },
      [
        spendBudget,
        await deps.mailer.outboxItem(
          signupMails(language).signupCode(data.email, issued.code, deps.portalUrl, signupSummaryOf(data)),
        ),
      ],
    );
    deps.count('Signups');
  });
}

function newPendingProfile(
  licenseeId: string,
  { marketingOptOut, language }: Pick<ProfileRecord, 'marketingOptOut' | 'language'>,
  emailIndex: string,
  now: Date,
): Omit<ProfileRecord, 'pii'> {
  return {
    licenseeId,
    status: 'pending',
    createdAt: now.toISOString(),
    marketingOptOut,
    language,
    emailIndex,
    expiresAt: epochSeconds(addDays(now, policy.retention.pendingSignupHours / 24)),
    version: 1,
  };
}

/**
 * A fresh confirmation code for a signup that is still pending (a lost or expired code), within the hourly
 * limit of its confirmation code. Sent when a pending address asks for a sign-in code, so the answer to the
 * caller is the same as for any other address, and the code works on the sign-in page as on the confirm
 * page. Needs no decryption (`email` is the address typed, which matched the blind index), so its mail
 * cannot name the data; it says the data is shown once confirmed. One conditional write, like the
 * sign-in code it stands in for; a lost race sends nothing, the caller may ask again.
 */
export async function resendSignupCode(
  deps: Omit<ServiceDeps, 'envelope'>,
  profile: ProfileRecord,
  email: string,
): Promise<void> {
  const issued = await issueCode(
    deps.codeMac,
    profile.confirmation,
    confirmationSalt(profile.licenseeId),
    deps.clock(),
  );
  if (!issued.issued) {
    deps.count('CodesRateLimited');
    return;
  }
  try {
    await deps.repo.transact([
      deps.repo.profileTransactItem(
        { ...profile, confirmation: issued.state, version: profile.version + 1 },
        profile.version,
      ),
      ...(await deps.mailer.budgetedOutboxItems(
        signupMails(languageOf(profile)).signupCode(email, issued.code, deps.portalUrl),
        profile.emailIndex,
      )),
    ]);
  } catch (error) {
    if (!(error instanceof ConcurrentUpdateError)) throw error;
    deps.count('CodesRateLimited');
    return;
  }
  deps.count('SignupCodesResent');
}

/**
 * Activates the licence when the mailed code is right, and signs the new licensee in. The attempt is spent
 * before the guess is judged; of parallel right guesses one activates and signs in, the others are refused.
 */
export async function confirmSignup(
  deps: Omit<ServiceDeps, 'envelope'>,
  input: { email: string; code: string },
): Promise<SessionGrant> {
  const owner = await deps.repo.findEmailOwner(await deps.blindIndex.of(input.email));
  return confirmPendingSignup(deps, owner?.licenseeId, input.code);
}

/** `confirmSignup` for an address whose owner was already looked up (the sign-in page's pending path). */
export async function confirmPendingSignup(
  deps: Omit<ServiceDeps, 'envelope'>,
  licenseeId: string | undefined,
  code: string,
): Promise<SessionGrant> {
  const spent = await judgeGuess(deps, code, {
    load: async () => {
      const profile = await deps.repo.getProfile(licenseeId ?? absentLicenseeId);
      if (profile?.status !== 'pending' || !profile.confirmation) return undefined;
      return { record: profile, code: profile.confirmation, salt: confirmationSalt(profile.licenseeId) };
    },
    saveSpent: async (profile, confirmation) => {
      const next = { ...profile, confirmation, version: profile.version + 1 };
      await deps.repo.saveProfile(next, profile.version);
      return next;
    },
  });
  if (!spent?.confirmation) throw invalidCode(deps);
  const judged = spent.confirmation.codeHash;

  await retryOnConflict(async (attempt) => {
    const profile = attempt === 0 ? spent : await deps.repo.getProfile(spent.licenseeId);
    // Activated by a parallel right guess, or a new code was issued meanwhile: this code is used up.
    if (profile?.status !== 'pending' || profile.confirmation?.codeHash !== judged) throw invalidCode(deps);
    const { confirmation: _used, expiresAt: _pending, ...rest } = profile;
    const active: ProfileRecord = {
      ...rest,
      status: 'active',
      licenceStartedAt: deps.clock().toISOString(),
      version: profile.version + 1,
    };
    await deps.repo.saveProfileWithEmailOwner(active, profile.version, profile.emailIndex);
  });
  deps.count('SignupsConfirmed');
  return startSession(deps, spent.licenseeId);
}
