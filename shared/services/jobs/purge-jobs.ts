import type { AuditActor } from '../../domain/audit.js';
import type { StoredJob } from '../../domain/job.js';
import { purgeReasonSchema } from '../../domain/retention.js';
import { endLicenceAndPurgeNow, purgeLicensee } from '../retention/index.js';
import type { JobRunnerDeps, StepOutcome } from './runner.js';

/**
 * An approved deletion's purge: the same resumable purge as the sweeper's (its progress lives on the
 * profile), stopped between batches when time runs out and continued by the next invocation.
 */
export async function runPurgeJob(
  deps: JobRunnerDeps,
  job: StoredJob,
  actor: AuditActor,
  shouldStop: () => boolean,
): Promise<StepOutcome> {
  const licenseeId = String(job.params.licenseeId);
  const reason = purgeReasonSchema.parse(job.params.reason);
  const subjectId = typeof job.params.subjectId === 'string' ? job.params.subjectId : undefined;
  const result = await endLicenceAndPurgeNow(deps.purge, licenseeId, actor, reason, {
    ...(subjectId ? { subjectId } : {}),
    shouldStop,
  });
  if (result.outcome === 'started') return { status: 'stopped' };
  return {
    status: 'finished',
    action: 'job.finished',
    licenseeId,
    result:
      result.outcome === 'purged'
        ? { outcome: 'purged', certificateId: result.certificateId }
        : { outcome: result.outcome },
  };
}

/**
 * After a restore from backup: every licensee the audit trail says was purged (a `retention.purged`
 * certificate since `since`) is purged again if any of their items came back, with a `retention.re-purged`
 * certificate naming the original one. One marker per licensee: a re-run skips those already checked.
 */
export async function runRepurgeJob(
  deps: JobRunnerDeps,
  job: StoredJob,
  actor: AuditActor,
  shouldStop: () => boolean,
): Promise<StepOutcome> {
  const since = new Date(String(job.params.since));
  const certificates = (await deps.audit.since(since)).filter(
    (event) => event.action === 'retention.purged' && event.licenseeId,
  );
  const done = await deps.jobs.doneItems(job.jobId);
  if (job.progress.certificates === undefined)
    await deps.jobs.setProgress(job.jobId, { certificates: certificates.length });
  for (const certificate of certificates) {
    const licenseeId = certificate.licenseeId!;
    if (done.has(licenseeId)) continue;
    if (shouldStop()) return { status: 'stopped' };
    const profile = await deps.purge.store.getProfile(licenseeId);
    const leftovers = profile ? [] : await deps.purge.store.itemsToPurge(licenseeId);
    if (!profile && leftovers.length === 0) {
      await deps.jobs.claimItem(job.jobId, licenseeId, 'still-gone');
      continue;
    }
    if (profile) {
      await purgeLicensee(deps.purge, profile, {
        reason: purgeReasonSchema.parse(certificate.details.reason ?? 'retention-period'),
        actor,
        subjectId: certificate.eventId,
        action: 'retention.re-purged',
        shouldStop: () => false,
      });
    } else {
      for (let i = 0; i < leftovers.length; i += 25) {
        const batch = leftovers.slice(i, i + 25);
        await deps.purge.objects.deleteRawMails(batch.flatMap((item) => item.s3Objects));
        await deps.purge.objects.deleteBudgetUploads(
          batch.flatMap((item) => (item.budgetUpload ? [item.budgetUpload] : [])),
        );
        await deps.purge.store.deleteBatch(batch.map((item) => item.key));
      }
      await deps.audit.record({
        actor,
        action: 'retention.re-purged',
        licenseeId,
        subjectId: certificate.eventId,
        details: { items: leftovers.length, originalCertificate: certificate.eventId },
      });
    }
    await deps.jobs.claimItem(job.jobId, licenseeId, 're-purged');
  }
  const finished = await deps.jobs.get(job.jobId);
  return {
    status: 'finished',
    action: 'job.finished',
    result: {
      certificates: certificates.length,
      rePurged: finished?.progress['re-purged'] ?? 0,
      stillGone: finished?.progress['still-gone'] ?? 0,
    },
  };
}
