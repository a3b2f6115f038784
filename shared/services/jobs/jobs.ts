import type { JobStore } from '../../adapters/job-store.js';
import type { AuditLog } from '../../adapters/audit-log.js';
import type { AuditActor } from '../../domain/audit.js';
import type { Clock } from '../../domain/dates.js';
import { viewOfJob, type JobKind, type JobView, type StoredJob } from '../../domain/job.js';
import { ProblemError } from '../../domain/problem-error.js';

/** Starts the job runner on a job, asynchronously (Lambda `Event` invocation, locally the same API). */
export interface JobInvoker {
  invoke(jobId: string): Promise<void>;
}

export interface JobDeps {
  jobs: JobStore;
  invoker: JobInvoker;
  audit: Pick<AuditLog, 'transactItem' | 'record'>;
  clock: Clock;
  newId: () => string;
}

/**
 * Stores a job with its `job.started` audit event and hands it to the runner. The staff call returns at once
 * with the job's id; `jobs show` follows its progress.
 */
export async function startJob(
  deps: JobDeps,
  actor: AuditActor,
  kind: JobKind,
  params: StoredJob['params'],
  audit: { licenseeId?: string; subjectId?: string } = {},
): Promise<JobView> {
  const now = deps.clock().toISOString();
  const job: StoredJob = {
    jobId: deps.newId(),
    kind,
    status: 'running',
    params,
    startedBy: actor,
    startedAt: now,
    updatedAt: now,
    progress: {},
    runs: 0,
  };
  await deps.jobs.create(
    job,
    deps.audit.transactItem({
      actor,
      action: 'job.started',
      ...audit,
      details: { jobId: job.jobId, kind, ...params },
    }).item,
  );
  await deps.invoker.invoke(job.jobId);
  return viewOfJob(job);
}

export async function showJob(deps: Pick<JobDeps, 'jobs'>, jobId: string): Promise<JobView> {
  const job = await deps.jobs.get(jobId);
  if (!job) throw new ProblemError(404, 'not-found');
  return viewOfJob(job);
}
