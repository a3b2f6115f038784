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
  const job = newJob(deps, actor, kind, params);
  await deps.jobs.create(job, startedEvent(deps, actor, job, audit));
  await deps.invoker.invoke(job.jobId);
  return viewOfJob(job);
}

/**
 * Like startJob, for work that must happen once per `onceKey` however often (or however many staff at once)
 * ask: the first call starts the job, every other call gets that same job back, `started: false`.
 */
export async function startJobOnce(
  deps: JobDeps,
  actor: AuditActor,
  kind: JobKind,
  params: StoredJob['params'],
  onceKey: string,
): Promise<JobView & { started: boolean }> {
  const job = newJob(deps, actor, kind, params);
  const { jobId, created } = await deps.jobs.createOnce(onceKey, job, startedEvent(deps, actor, job));
  if (created) {
    await deps.invoker.invoke(jobId);
    return { ...viewOfJob(job), started: true };
  }
  return { ...(await showJob(deps, jobId)), started: false };
}

function startedEvent(
  deps: JobDeps,
  actor: AuditActor,
  job: StoredJob,
  audit: { licenseeId?: string; subjectId?: string } = {},
) {
  return deps.audit.transactItem({
    actor,
    action: 'job.started',
    ...audit,
    details: { jobId: job.jobId, kind: job.kind, ...job.params },
  }).item;
}

function newJob(deps: JobDeps, actor: AuditActor, kind: JobKind, params: StoredJob['params']): StoredJob {
  const now = deps.clock().toISOString();
  return {
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
}

export async function showJob(deps: Pick<JobDeps, 'jobs'>, jobId: string): Promise<JobView> {
  const job = await deps.jobs.get(jobId);
  if (!job) throw new ProblemError(404, 'not-found');
  return viewOfJob(job);
}
