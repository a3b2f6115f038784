import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { batchWriteLimit } from '../../adapters/retention-store.js';
import { systemActor, type AuditActor } from '../../domain/audit.js';
import { epochSeconds } from '../../domain/dates.js';
import type { ProfileRecord } from '../../domain/records.js';
import {
  backstopGraceMs,
  holdActive,
  itemKindOf,
  sweepStopBeforeTimeoutMs,
  type PurgeReason,
} from '../../domain/retention.js';
import { ProblemError } from '../../domain/problem-error.js';
import type { LicenceState } from './licence.js';
import { licenceStateOf } from './licence.js';
import type { PurgeDeps } from './deps.js';

export const sweeperActor = systemActor('retention-sweeper');

/**
 * Licensees purged at once by one sweeper run. Bounded: each purge keeps a few DynamoDB and S3 requests in
 * flight, and the table is on demand; 8 keeps a run of hundreds within minutes without a burst that throttles.
 */
export const purgeConcurrency = 8;

/** Counts per kind in a certificate: `items.<kind>` for table items, `objects.<bucket>` for S3 objects. */
export type PurgeCounts = Record<string, number>;

export type PurgeOutcome =
  | { status: 'purged'; counts: PurgeCounts; certificateId: string }
  /** The time budget ran out halfway; the progress is saved and the next run resumes. */
  | { status: 'stopped'; counts: PurgeCounts }
  /** Another run finished this licensee first. */
  | { status: 'gone'; counts: PurgeCounts };

const chunk = <T>(list: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));

const sum = (counts: PurgeCounts, prefix: string) =>
  Object.entries(counts)
    .filter(([key]) => key.startsWith(prefix))
    .reduce((total, [, n]) => total + n, 0);

/**
 * Deletes everything of one licensee, in an order that keeps a half-done purge findable and resumable:
 *   1. the email owner item (ends sign-in and mail attribution, so nothing new lands in the partition);
 *   2. the partition's items but the profile, 25 per BatchWriteItem, each batch's S3 objects (raw mail,
 *      budget-review uploads) first, so no object is left without the item that names it;
 *   3. the profile (which carries the purge queue entry) together with the deletion certificate, in one
 *      transaction.
 * Between batches it asks `shouldStop`; stopping (or failing) saves the counts so far on the profile, and the
 * resumed run's certificate counts everything. Every step is safe to repeat.
 */
export async function purgeLicensee(
  deps: PurgeDeps,
  profile: ProfileRecord,
  options: {
    reason: PurgeReason;
    actor?: AuditActor;
    subjectId?: string;
    shouldStop?: () => boolean;
    /** The certificate's action: a re-purge after a restore writes `retention.re-purged`. */
    action?: 'retention.purged' | 'retention.re-purged';
  },
): Promise<PurgeOutcome> {
  const { licenseeId } = profile;
  const shouldStop = options.shouldStop ?? (() => false);
  const counts: PurgeCounts = { ...profile.purgeProgress };
  const add = (kind: string, n = 1) => {
    counts[kind] = (counts[kind] ?? 0) + n;
  };
  let changed = false;
  const saveProgress = () => deps.store.saveProgress(licenseeId, counts);

  try {
    if (await deps.store.deleteEmailOwner(profile.emailIndex, licenseeId)) {
      add('items.email-owner');
      changed = true;
    }
    for (const batch of chunk(await deps.store.itemsToPurge(licenseeId), batchWriteLimit)) {
      if (shouldStop()) {
        if (changed) await saveProgress();
        return { status: 'stopped', counts };
      }
      // The batch's objects first (one DeleteObjects per bucket), then the items that name them.
      const rawMail = batch.flatMap((item) => item.s3Objects);
      const uploads = batch.flatMap((item) => (item.budgetUpload ? [item.budgetUpload] : []));
      await Promise.all([deps.objects.deleteRawMails(rawMail), deps.objects.deleteBudgetUploads(uploads)]);
      await deps.store.deleteBatch(batch.map((item) => item.key));
      changed = true;
      for (const item of batch) add(`items.${itemKindOf(item.key.sk)}`);
      if (rawMail.length) add('objects.raw-mail', rawMail.length);
      if (uploads.length) add('objects.budget-upload', uploads.length);
    }
  } catch (error) {
    // Best effort: the counts of a failed run are kept for the certificate of the run that finishes.
    if (changed) await saveProgress().catch(() => undefined);
    throw error;
  }

  add('items.profile');
  const certificate = deps.audit.transactItem({
    actor: options.actor ?? sweeperActor,
    action: options.action ?? 'retention.purged',
    licenseeId,
    ...(options.subjectId ? { subjectId: options.subjectId } : {}),
    details: {
      reason: options.reason,
      ...(profile.purgeAt !== undefined ? { purgeAt: new Date(profile.purgeAt * 1000).toISOString() } : {}),
      ...(profile.licenceEndedAt ? { licenceEndedAt: profile.licenceEndedAt } : {}),
      items: sum(counts, 'items.'),
      objects: sum(counts, 'objects.'),
      resumed: profile.purgeProgress !== undefined,
      ...(options.action === 'retention.re-purged' && options.subjectId
        ? { originalCertificate: options.subjectId }
        : {}),
      ...counts,
    },
  });
  const finished = await deps.store.finishPurge(licenseeId, certificate.item);
  if (finished === 'gone') return { status: 'gone', counts };
  deps.metric('LicenseesPurged');
  deps.metric('PurgedItems', sum(counts, 'items.'));
  deps.metric('PurgedObjects', sum(counts, 'objects.'));
  return { status: 'purged', counts, certificateId: certificate.event.eventId };
}

export interface SweepReport {
  /** Due licensees looked at (purge date passed), held ones included. */
  due: number;
  purged: string[];
  /** Held licensees whose purge date has passed: skipped, reported by id. */
  held: string[];
  failed: { licenseeId: string; error: string }[];
  /** The time budget ran out; the next run continues where this one stopped. */
  incomplete: boolean;
}

/**
 * One run of the sweeper: pages through the purge queue (a query on the sparse index for purgeAt <= now,
 * never a scan), skips and reports held licensees, purges the others until `remainingMs()` drops below the
 * time budget. A failing licensee is reported and the run goes on with the next.
 */
export async function sweep(
  deps: PurgeDeps,
  { remainingMs, pageSize }: { remainingMs: () => number; pageSize?: number },
): Promise<SweepReport> {
  const now = deps.clock();
  const shouldStop = () => remainingMs() < sweepStopBeforeTimeoutMs;
  const report: SweepReport = { due: 0, purged: [], held: [], failed: [], incomplete: false };
  let next: Record<string, AttributeValue> | undefined;

  do {
    if (shouldStop()) {
      report.incomplete = true;
      break;
    }
    const page = await deps.store.duePage(now, next, pageSize);
    next = page.next;
    // Up to `purgeConcurrency` licensees at once; results are reported in the queue's order.
    const outcomes: (
      { kind: 'held' | 'purged' | 'gone' | 'stopped' | 'not-started' } | { kind: 'failed'; error: string }
    )[] = page.profiles.map(() => ({ kind: 'not-started' }));
    let stopped = false;
    let cursor = 0;
    const worker = async () => {
      while (!stopped && cursor < page.profiles.length) {
        const index = cursor++;
        const profile = page.profiles[index]!;
        outcomes[index] = { kind: 'stopped' };
        if (holdActive(profile.legalHold, now)) {
          outcomes[index] = { kind: 'held' };
          continue;
        }
        if (shouldStop()) {
          stopped = true;
          return;
        }
        try {
          const outcome = await purgeLicensee(deps, profile, { reason: 'retention-period', shouldStop });
          if (outcome.status === 'stopped') {
            stopped = true;
            return;
          }
          outcomes[index] = { kind: outcome.status };
        } catch (error) {
          const name = error instanceof Error ? error.name : 'Error';
          outcomes[index] = { kind: 'failed', error: name };
          deps.log('purge failed; the next run retries', { licenseeId: profile.licenseeId, error: name });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(purgeConcurrency, page.profiles.length) }, worker));
    for (const [index, outcome] of outcomes.entries()) {
      const { licenseeId } = page.profiles[index]!;
      if (outcome.kind !== 'not-started') report.due++;
      if (outcome.kind === 'held') report.held.push(licenseeId);
      if (outcome.kind === 'purged') report.purged.push(licenseeId);
      if (outcome.kind === 'failed') report.failed.push({ licenseeId, error: outcome.error });
    }
    if (stopped) {
      report.incomplete = true;
      break;
    }
  } while (next);

  deps.metric('HeldPastPurgeDate', report.held.length);
  if (report.held.length > 0)
    deps.log('held licensees past their purge date, skipped', { licenseeIds: report.held });
  if (report.failed.length > 0) deps.metric('PurgeFailures', report.failed.length);
  if (report.incomplete) deps.metric('SweepIncomplete');
  return report;
}

export type PurgeNowResult =
  | { outcome: 'purged'; certificateId: string; counts: PurgeCounts }
  /** A legal hold is in force: the licence is ended and purgeAt set to now, so the purge follows its end. */
  | { outcome: 'held'; state: LicenceState }
  /** Stopped halfway (only with a `shouldStop`); the sweeper finishes it within the hour. */
  | { outcome: 'started'; counts: PurgeCounts }
  | { outcome: 'already-purged' };

/**
 * An approved deletion request (or any other reason to purge at once): ends the licence if it runs, sets the
 * purge date to now, and purges everything with the same deletion certificate as the sweeper. Under a legal
 * hold the licence is ended and the hold reported instead; the purge follows when the hold ends.
 */
export async function endLicenceAndPurgeNow(
  deps: PurgeDeps,
  licenseeId: string,
  actor: AuditActor,
  reason: PurgeReason = 'deletion-request',
  options: { subjectId?: string; shouldStop?: () => boolean } = {},
): Promise<PurgeNowResult> {
  const now = deps.clock();
  const profile = await deps.store.getProfile(licenseeId);
  if (!profile) return { outcome: 'already-purged' };
  if (profile.status === 'pending') throw new ProblemError(409, 'licence-state');

  const held = holdActive(profile.legalHold, now);
  const purgeAt = epochSeconds(now);
  let current = profile;
  if (profile.status !== 'ended' || profile.purgeAt === undefined || profile.purgeAt > purgeAt) {
    const wasActive = profile.status !== 'ended';
    current = {
      ...profile,
      status: 'ended',
      licenceEndedAt: profile.licenceEndedAt ?? now.toISOString(),
      purgeAt,
      // Backstop for a purge that fails here and in the sweeper alike; none while a hold is in force.
      expiresAt: held ? undefined : epochSeconds(new Date(now.getTime() + backstopGraceMs)),
      version: profile.version + 1,
    };
    await deps.repo.transact([
      deps.repo.profileTransactItem(current, profile.version),
      deps.audit.transactItem({
        actor,
        action: wasActive ? 'licence.ended' : 'retention.purge-advanced',
        licenseeId,
        ...(options.subjectId ? { subjectId: options.subjectId } : {}),
        details: { reason, purgeAt: now.toISOString() },
      }).item,
    ]);
    if (wasActive) deps.metric('LicencesEnded');
  }
  if (held) {
    deps.log('purge on request waits for a legal hold', { licenseeId });
    return { outcome: 'held', state: licenceStateOf(current) };
  }
  const outcome = await purgeLicensee(deps, current, {
    reason,
    actor,
    ...(options.subjectId ? { subjectId: options.subjectId } : {}),
    ...(options.shouldStop ? { shouldStop: options.shouldStop } : {}),
  });
  if (outcome.status === 'purged')
    return { outcome: 'purged', certificateId: outcome.certificateId, counts: outcome.counts };
  if (outcome.status === 'stopped') return { outcome: 'started', counts: outcome.counts };
  return { outcome: 'already-purged' };
}
