import { epochSeconds } from '../../domain/dates.js';
import type { AuditActor } from '../../domain/audit.js';
import { ProblemError } from '../../domain/problem-error.js';
import { fieldErrorsFromZod, problemErrorMap } from '../../domain/problems.js';
import type { ProfileRecord } from '../../domain/records.js';
import {
  backstopGraceMs,
  holdActive,
  holdUntilProblem,
  placeHoldInputSchema,
  retentionDates,
  type PlaceHoldInput,
} from '../../domain/retention.js';
import type { LicenceDeps } from './deps.js';

/** Where a licence stands, as the licensee and staff see it (no personal values). */
export interface LicenceState {
  licenseeId: string;
  status: ProfileRecord['status'];
  endedAt: string | null;
  /** When all data is destroyed (the purge); null while the licence runs. */
  destroyedBy: string | null;
  legalHold: { reason: string; caseReference: string; until: string } | null;
}

export function licenceStateOf(profile: ProfileRecord): LicenceState {
  const hold = profile.legalHold;
  return {
    licenseeId: profile.licenseeId,
    status: profile.status,
    endedAt: profile.licenceEndedAt ?? null,
    destroyedBy: profile.purgeAt === undefined ? null : new Date(profile.purgeAt * 1000).toISOString(),
    legalHold: hold ? { reason: hold.reason, caseReference: hold.caseReference, until: hold.until } : null,
  };
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** The stored profile; one whose TTL passed counts as gone, unless `evenIfDue` (holds may still stop a purge). */
async function profileOf(deps: LicenceDeps, licenseeId: string, evenIfDue = false): Promise<ProfileRecord> {
  const profile = await deps.store.getProfile(licenseeId);
  const expired = profile?.expiresAt !== undefined && profile.expiresAt <= epochSeconds(deps.clock());
  if (!profile || (expired && !evenIfDue)) throw new ProblemError(404, 'not-found');
  return profile;
}

/**
 * Ends a licence (by staff, or the licensee's own termination): the purge date follows from the Amsterdam
 * date it ends on (see domain/retention.ts), and the TTL backstop is set to the same moment on every item and
 * the email owner, unless a legal hold is in force. Idempotent: ending an ended licence changes nothing.
 */
export async function endLicence(
  deps: LicenceDeps,
  licenseeId: string,
  actor: AuditActor,
  options: { endedAt?: Date } = {},
): Promise<LicenceState> {
  const now = deps.clock();
  const endedAt = options.endedAt ?? now;
  if (endedAt > now)
    throw new ProblemError(400, 'invalid-input', [{ field: 'endedAt', code: 'invalid-format' }]);
  const profile = await profileOf(deps, licenseeId);
  if (profile.status === 'ended') return licenceStateOf(profile);
  if (profile.status !== 'active') throw new ProblemError(409, 'licence-state');

  const dates = retentionDates(endedAt);
  const purgeAt = epochSeconds(dates.purgeAt);
  const held = holdActive(profile.legalHold, now);
  const updated: ProfileRecord = {
    ...profile,
    status: 'ended',
    licenceEndedAt: endedAt.toISOString(),
    purgeAt,
    expiresAt: held ? undefined : purgeAt,
    version: profile.version + 1,
  };
  await deps.repo.transact([
    deps.repo.profileTransactItem(updated, profile.version),
    deps.audit.transactItem({
      actor,
      action: 'licence.ended',
      licenseeId,
      details: { endedOn: dates.endedOn, purgeAt: iso(purgeAt), promisedBy: dates.promisedBy.toISOString() },
    }).item,
  ]);
  if (!held) await deps.store.setBackstop(licenseeId, profile.emailIndex, purgeAt);
  deps.metric('LicencesEnded');
  return licenceStateOf(updated);
}

/** Renewal before the purge: the licence runs again; purge date and TTL backstop are cleared. */
export async function renewLicence(
  deps: LicenceDeps,
  licenseeId: string,
  actor: AuditActor,
): Promise<LicenceState> {
  const profile = await profileOf(deps, licenseeId);
  if (profile.status === 'active') return licenceStateOf(profile);
  // A purge that already began cannot be undone: what it deleted is gone.
  if (profile.status !== 'ended' || profile.purgeProgress) throw new ProblemError(409, 'licence-state');

  const { licenceEndedAt: _ended, purgeAt: _purgeAt, expiresAt: backstop, ...rest } = profile;
  const updated: ProfileRecord = { ...rest, status: 'active', version: profile.version + 1 };
  await deps.repo.transact([
    deps.repo.profileTransactItem(updated, profile.version),
    deps.audit.transactItem({ actor, action: 'licence.renewed', licenseeId }).item,
  ]);
  if (backstop !== undefined) await deps.store.clearBackstop(licenseeId, profile.emailIndex, backstop);
  deps.metric('LicencesRenewed');
  return licenceStateOf(updated);
}

/**
 * A legal hold (fraud investigation or legal claim, a case reference, an end date) pauses the purge of one
 * licensee and lifts the TTL backstop, so nothing deletes the data while it is needed. Placing it again
 * replaces it (e.g. a later end date). Works on a licensee whose purge is due but not yet done.
 */
export async function placeHold(
  deps: LicenceDeps,
  licenseeId: string,
  actor: AuditActor,
  input: PlaceHoldInput,
): Promise<LicenceState> {
  const parsed = placeHoldInputSchema.safeParse(input, { error: problemErrorMap });
  if (!parsed.success) throw new ProblemError(400, 'invalid-input', fieldErrorsFromZod(parsed.error));
  const now = deps.clock();
  if (holdUntilProblem(parsed.data.until, now))
    throw new ProblemError(400, 'invalid-input', [{ field: 'until', code: 'invalid-format' }]);
  const profile = await profileOf(deps, licenseeId, true);
  if (profile.status === 'pending') throw new ProblemError(409, 'licence-state');

  const backstop = profile.status === 'ended' ? profile.expiresAt : undefined;
  const updated: ProfileRecord = {
    ...profile,
    legalHold: { ...parsed.data, placedAt: now.toISOString() },
    ...(profile.status === 'ended' ? { expiresAt: undefined } : {}),
    version: profile.version + 1,
  };
  await deps.repo.transact([
    deps.repo.profileTransactItem(updated, profile.version),
    deps.audit.transactItem({
      actor,
      action: 'retention.hold-placed',
      licenseeId,
      subjectId: parsed.data.caseReference,
      details: {
        reason: parsed.data.reason,
        caseReference: parsed.data.caseReference,
        until: parsed.data.until,
      },
    }).item,
  ]);
  if (backstop !== undefined) await deps.store.clearBackstop(licenseeId, profile.emailIndex, backstop);
  deps.metric('LegalHoldsPlaced');
  return licenceStateOf(updated);
}

/**
 * Lifts a hold. An ended licence gets its TTL backstop back: at the purge date, or a day from now when that
 * has passed (the sweeper, hourly, purges first; the backstop only catches a sweeper that stopped working).
 */
export async function liftHold(
  deps: LicenceDeps,
  licenseeId: string,
  actor: AuditActor,
): Promise<LicenceState> {
  const now = deps.clock();
  const profile = await profileOf(deps, licenseeId, true);
  if (!profile.legalHold) return licenceStateOf(profile);
  const { legalHold: hold, ...rest } = profile;
  const backstop =
    profile.status === 'ended' && profile.purgeAt !== undefined
      ? Math.max(profile.purgeAt, epochSeconds(new Date(now.getTime() + backstopGraceMs)))
      : undefined;
  const updated: ProfileRecord = {
    ...rest,
    ...(backstop !== undefined ? { expiresAt: backstop } : {}),
    version: profile.version + 1,
  };
  await deps.repo.transact([
    deps.repo.profileTransactItem(updated, profile.version),
    deps.audit.transactItem({
      actor,
      action: 'retention.hold-lifted',
      licenseeId,
      subjectId: hold.caseReference,
      details: { reason: hold.reason, caseReference: hold.caseReference },
    }).item,
  ]);
  if (backstop !== undefined) await deps.store.setBackstop(licenseeId, profile.emailIndex, backstop);
  deps.metric('LegalHoldsLifted');
  return licenceStateOf(updated);
}
