import type { AuditActor } from '../domain/audit.js';
import { longDate } from '../domain/dates.js';
import type { JobView, StoredJob } from '../domain/job.js';
import { policy } from '../domain/policy.js';
import { startJobOnce, type JobDeps } from './jobs/jobs.js';
import type { StepOutcome } from './jobs/runner.js';
import { bilingual } from './mail-templates.js';
import { openPii } from './personal-data-vault.js';
import type { MailLanguage, OutgoingMail } from './ports.js';
import { languageOf } from '../domain/records.js';
import type { StaffDeps } from './staff/staff-deps.js';

/**
 * A new version of the privacy statement is mailed once to everyone whose data ZorgSom holds (active
 * licensees, opted out of marketing or not, and ended licences not yet destroyed): a service notice, not
 * marketing. Staff start it once the new version is published (`npm run admin -- statement notify`); the
 * daily deadline watch reminds them while a version has not been mailed. However often it is started, each
 * version has one job, and the job mails each licensee once.
 */
export const statementNoticeKey = (version: string) => `statement-notice:${version}`;

type Statement = Pick<typeof policy.statement, 'version' | 'effectiveDate' | 'changes'>;

export function statementNoticeMail(
  to: string,
  name: string,
  portalUrl: string,
  language: MailLanguage,
  statement: Statement = policy.statement,
): OutgoingMail {
  const link = `${portalUrl}/privacy.html`;
  const mail = bilingual(
    to,
    { nl: 'Onze privacyverklaring is gewijzigd', en: 'Our privacy statement has changed' },
    [
      `Beste ${name},`,
      '',
      `Per ${longDate(statement.effectiveDate, 'nl')} geldt versie ${statement.version} van onze privacyverklaring.`,
      `Wat er verandert: ${statement.changes.nl}`,
      '',
      `U leest de hele verklaring op ${link}.`,
      'U hoeft niets te doen. Hebt u een vraag, mail dan naar ' +
        `${policy.controller.contactEmail} met als onderwerp "Privacy".`,
    ].join('\n'),
    [
      `Dear ${name},`,
      '',
      `From ${longDate(statement.effectiveDate, 'en')}, version ${statement.version} of our privacy statement applies.`,
      `What changes: ${statement.changes.en}`,
      '',
      `Read the whole statement at ${link}.`,
      `No action is needed. Questions? Mail ${policy.controller.contactEmail} with the subject "Privacy".`,
    ].join('\n'),
    language,
  );
  // Staff sent it, once per version: not held back by the recipient's daily budget.
  return { ...mail, kind: 'decision', template: 'statement-notice' };
}

/** Starts the notice of `statement.version`, or returns the job that already has it (`started: false`). */
export function startStatementNotice(
  deps: JobDeps,
  actor: AuditActor,
  statement: Statement = policy.statement,
): Promise<JobView & { started: boolean }> {
  return startJobOnce(
    deps,
    actor,
    'statement-notice',
    { version: statement.version },
    statementNoticeKey(statement.version),
  );
}

/** True while the current version has not been mailed (no job has it yet): the deadline watch says so. */
export async function statementNoticeMissing(
  deps: Pick<JobDeps, 'jobs'>,
  statement: Statement = policy.statement,
): Promise<boolean> {
  return (await deps.jobs.onceHolder(statementNoticeKey(statement.version))) === undefined;
}

/**
 * The runner's part, like a marketing send: each recipient is re-read, claimed (marker + counter in one
 * transaction) before the mail goes and audited once it went, so retries and continuations mail no one
 * twice; a failed send releases its claim so the retry sends it.
 */
export async function runStatementNotice(
  deps: StaffDeps & JobDeps,
  job: StoredJob,
  shouldStop: () => boolean,
  statement: Statement = policy.statement,
): Promise<StepOutcome> {
  const version = String(job.params.version);
  const result = async (superseded: boolean) => {
    const finished = await deps.jobs.get(job.jobId);
    const { sent = 0, skipped = 0 } = finished?.progress ?? {};
    return { version, sent, skipped, superseded };
  };
  // A newer version was deployed while this job ran: its own notice tells everyone what applies now.
  if (version !== statement.version)
    return { status: 'finished', action: 'statement.notice-finished', result: await result(true) };
  const recipients = await deps.staffRepo.noticeRecipientIds();
  const done = await deps.jobs.doneItems(job.jobId);
  if (job.progress.recipients === undefined)
    await deps.jobs.setProgress(job.jobId, { recipients: recipients.length });
  for (const licenseeId of recipients) {
    if (done.has(licenseeId)) continue;
    if (shouldStop()) return { status: 'stopped' };
    const profile = await deps.repo.getProfile(licenseeId);
    if (!profile || profile.status === 'pending') {
      await deps.jobs.claimItem(job.jobId, licenseeId, 'skipped');
      continue;
    }
    const { data } = await openPii(deps.envelope, licenseeId, profile.pii);
    if (!(await deps.jobs.claimItem(job.jobId, licenseeId, 'sent'))) continue;
    try {
      await deps.mailer.send({
        ...statementNoticeMail(data.email, data.name, deps.portalUrl, languageOf(profile), statement),
        idempotencyKey: `${statementNoticeKey(version)}:${licenseeId}`,
      });
    } catch (error) {
      await deps.jobs.releaseItem(job.jobId, licenseeId, 'sent');
      throw error;
    }
    await deps.audit.record({
      actor: job.startedBy,
      action: 'statement.notice-sent',
      licenseeId,
      subjectId: job.jobId,
      details: { version },
    });
  }
  return { status: 'finished', action: 'statement.notice-finished', result: await result(false) };
}
