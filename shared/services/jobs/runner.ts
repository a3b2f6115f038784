import type { AuditActor } from '../../domain/audit.js';
import { systemActor } from '../../domain/audit.js';
import type { StoredJob } from '../../domain/job.js';
import { ProblemError } from '../../domain/problem-error.js';
import type { PurgeDeps } from '../retention/index.js';
import type { StaffDeps } from '../staff/staff-deps.js';
import { runMarketingSend } from '../staff/marketing.js';
import type { JobDeps } from './jobs.js';
import { runPurgeJob, runRepurgeJob } from './purge-jobs.js';
import { runStatementNotice } from '../statement-notice.js';

export const jobRunnerActor = systemActor('job-runner');

export type JobRunnerDeps = JobDeps & StaffDeps & { purge: PurgeDeps };

/** A step's outcome: finished (with the job's result), or stopped for time with the progress saved. */
export type StepOutcome =
  | { status: 'finished'; result: NonNullable<StoredJob['result']>; action: string; licenseeId?: string }
  | { status: 'stopped' };

/**
 * One invocation of the runner on one job: does as much as the time allows (`shouldStop` is asked between
 * items), then either finishes the job (result + audit event, once) or invokes the runner again to continue.
 * An error propagates (Lambda retries the event twice, then it waits in the dead-letter queue); every item
 * already done stays done, so the retry or a redrive continues where this run stopped.
 */
export async function runJob(
  deps: JobRunnerDeps,
  jobId: string,
  shouldStop: () => boolean,
): Promise<'finished' | 'continued' | 'not-running'> {
  const job = await deps.jobs.get(jobId);
  if (!job) throw new ProblemError(404, 'not-found');
  if (job.status !== 'running') return 'not-running';
  await deps.jobs.noteRun(jobId);
  let outcome: StepOutcome;
  try {
    outcome = await step(deps, job, shouldStop);
  } catch (error) {
    await deps.jobs.noteFailure(jobId, error instanceof Error ? error.name : 'Error').catch(() => undefined);
    throw error;
  }
  if (outcome.status === 'stopped') {
    await deps.invoker.invoke(jobId);
    return 'continued';
  }
  await deps.jobs.finish(
    jobId,
    'done',
    outcome.result,
    deps.audit.transactItem({
      actor: job.startedBy,
      action: outcome.action,
      ...(outcome.licenseeId ? { licenseeId: outcome.licenseeId } : {}),
      details: { jobId, ...outcome.result },
    }).item,
  );
  return 'finished';
}

function step(deps: JobRunnerDeps, job: StoredJob, shouldStop: () => boolean): Promise<StepOutcome> {
  const actor: AuditActor = job.startedBy;
  switch (job.kind) {
    case 'marketing-send':
      return runMarketingSend(deps, job, shouldStop);
    case 'purge':
      return runPurgeJob(deps, job, actor, shouldStop);
    case 'repurge':
      return runRepurgeJob(deps, job, actor, shouldStop);
    case 'statement-notice':
      return runStatementNotice(deps, job, shouldStop);
  }
}
