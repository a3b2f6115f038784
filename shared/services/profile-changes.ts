import type { PersonalData } from '../domain/licensee.js';
import type { ProfilePatch } from '../domain/licensee-input.js';
import { issueCode } from '../domain/one-time-code.js';
import { ProblemError, retryOnConflict } from '../domain/problem-error.js';
import { languageOf, type ProfileRecord } from '../domain/records.js';
import type { ServiceDeps } from './deps.js';
import { judgeGuess } from './code-guard.js';
import { notMeUrl } from './not-me-link.js';
import { profileMails, type ChangedCategory } from './mail-templates.js';
import { absentLicenseeId } from '../domain/ids.js';
import type { OutgoingMail } from './ports.js';
import { openPii, sealPii, type PiiDocument } from './personal-data-vault.js';
import { loadProfile, viewOf, type ProfileView } from './self-service.js';
import { invalidCode } from './sessions.js';

/**
 * A licensee's changes to their own profile: correct or complete it, confirm a new email address, choose
 * about marketing. Self-service imports this file on a change's first call (functions/self-service), so its
 * cold start, which mostly serves the profile read, does not read this code, ibantools or the mails.
 */

const emailChangeSalt = (licenseeId: string) => `email-change:${licenseeId}`;

/**
 * Corrects or completes the profile. A new email address takes effect only after the code mailed to it is
 * confirmed; everything else applies at once, and the address on record is told which items changed.
 *
 * A new address that is already taken is treated exactly like a free one (same answer, same writes: a
 * pending change whose code is never mailed); its owner gets a notice instead of the code, so the route
 * tells nobody whether an address is registered.
 */
export async function correctProfile(
  deps: ServiceDeps,
  licenseeId: string,
  patch: ProfilePatch,
): Promise<ProfileView> {
  const { email, language, ...direct } = patch;
  const newEmailIndex = email === undefined ? undefined : await deps.blindIndex.of(email);
  const newEmailOwner = newEmailIndex && (await deps.repo.findEmailOwner(newEmailIndex));
  // The taken address's owner is told in their own language; the profile is read for any new address, so
  // the route's work (and timing) does not say whether the address is registered.
  const newEmailOwnerProfile = newEmailIndex
    ? await deps.repo.getProfile((newEmailOwner || undefined)?.licenseeId ?? absentLicenseeId)
    : undefined;

  return retryOnConflict(async () => {
    const now = deps.clock();
    const { profile, pii } = await loadProfile(deps, licenseeId);
    const data: PersonalData = { ...pii.data, ...direct };
    let document: PiiDocument = { ...pii, data };
    let emailChange = profile.emailChange;
    const outgoing: OutgoingMail[] = [];
    // A new language applies to the mails of this very change already.
    const mails = profileMails(language ?? languageOf(profile));

    if (email !== undefined && newEmailIndex !== undefined && email !== pii.data.email) {
      const issued = await issueCode(
        deps.codeMac,
        profile.emailChange?.code,
        emailChangeSalt(licenseeId),
        now,
      );
      if (!issued.issued) throw new ProblemError(429, 'rate-limited');
      emailChange = { emailIndex: newEmailIndex, code: issued.state };
      document = { data, pendingEmail: email };
      outgoing.push(
        newEmailOwner
          ? profileMails(newEmailOwnerProfile ? languageOf(newEmailOwnerProfile) : 'nl+en').emailInUse(email)
          : mails.emailChangeCode(email, issued.code),
      );
    }
    const changed = changedCategories(pii.data, data);
    if (changed.length > 0) outgoing.push(mails.profileChanged(pii.data.email, changed, deps.portalUrl));

    const updated: ProfileRecord = {
      ...profile,
      pii: await sealPii(deps.envelope, licenseeId, document),
      emailChange,
      ...(language ? { language } : {}),
      version: profile.version + 1,
    };
    // The notices exist exactly when the change does: one transaction with the outbox.
    await deps.repo.transact([
      deps.repo.profileTransactItem(updated, profile.version),
      ...(await Promise.all(outgoing.map((mail) => deps.mailer.outboxItem(mail)))),
    ]);
    deps.count('ProfileCorrections');
    return viewOf(updated, document);
  });
}

/** Which of name, address and IBAN differ (by value, never reporting the values). */
function changedCategories(before: PersonalData, after: PersonalData): ChangedCategory[] {
  const changed: ChangedCategory[] = [];
  if (before.name !== after.name) changed.push('name');
  if (JSON.stringify(before.address) !== JSON.stringify(after.address)) changed.push('address');
  if (before.iban !== after.iban) changed.push('iban');
  return changed;
}

/**
 * Confirms a new email address with the code mailed to it (the attempt is spent before the guess is
 * judged). Then every other session ends (a stolen session cannot outlive the change) and the previous
 * address is told, with a "this was not me" link that ends every session and opens a request for staff.
 */
export async function confirmEmailChange(
  deps: ServiceDeps,
  session: { licenseeId: string; secretHash: string },
  code: string,
): Promise<ProfileView> {
  const { licenseeId } = session;
  const salt = emailChangeSalt(licenseeId);
  const spent = await judgeGuess(deps, code, {
    load: async () => {
      const profile = await deps.repo.getProfile(licenseeId);
      return profile?.emailChange && { record: profile, code: profile.emailChange.code, salt };
    },
    saveSpent: async (profile, spentCode) => {
      const change = profile.emailChange!;
      const next = { ...profile, emailChange: { ...change, code: spentCode }, version: profile.version + 1 };
      await deps.repo.saveProfile(next, profile.version);
      return next;
    },
  });
  if (!spent?.emailChange) throw invalidCode(deps);
  const judged = spent.emailChange.code.codeHash;

  return retryOnConflict(async (attempt) => {
    const profile = attempt === 0 ? spent : await deps.repo.getProfile(licenseeId);
    const change = profile?.emailChange;
    if (!profile || !change || change.code.codeHash !== judged) throw invalidCode(deps);
    const pii = await openPii(deps.envelope, licenseeId, profile.pii);
    if (!pii.pendingEmail) throw invalidCode(deps);
    // Taken since the change was asked for: the change cannot complete, whoever guessed.
    const owner = await deps.repo.findEmailOwner(change.emailIndex);
    if (owner && owner.licenseeId !== licenseeId) throw invalidCode(deps);
    const document: PiiDocument = { data: { ...pii.data, email: pii.pendingEmail } };
    const { emailChange: _done, ...rest } = profile;
    const updated: ProfileRecord = {
      ...rest,
      emailIndex: change.emailIndex,
      pii: await sealPii(deps.envelope, licenseeId, document),
      version: profile.version + 1,
    };
    const link = await notMeUrl(deps.codeMac, deps.portalUrl, licenseeId, deps.clock());
    // The old address's notice is written with the change itself: no change without its "this was not me".
    await deps.repo.saveProfileWithEmailOwner(updated, profile.version, profile.emailIndex, [
      await deps.mailer.outboxItem(profileMails(languageOf(profile)).emailChanged(pii.data.email, link)),
    ]);
    await deps.repo.endSessions(licenseeId, session.secretHash);
    return viewOf(updated, document);
  });
}

export async function setMarketingPreference(
  deps: ServiceDeps,
  licenseeId: string,
  optOut: boolean,
): Promise<ProfileView> {
  return retryOnConflict(async () => {
    const { profile, pii } = await loadProfile(deps, licenseeId);
    const updated: ProfileRecord = { ...profile, marketingOptOut: optOut, version: profile.version + 1 };
    if (profile.marketingOptOut === optOut) return viewOf(profile, pii);
    await deps.repo.transact([
      deps.repo.profileTransactItem(updated, profile.version),
      await deps.mailer.outboxItem(
        profileMails(languageOf(profile)).marketingPreference(pii.data.email, optOut),
      ),
    ]);
    if (optOut) deps.count('MarketingOptOuts');
    return viewOf(updated, pii);
  });
}
