import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createJobStore } from '../../../shared/adapters/job-store.js';
import { createPurgeDeps } from '../../../shared/wiring/retention.js';
import { readOutbox } from '../../../local/ses-emulator.js';
import { createIsolatedTable, type IsolatedTable } from '../../../local/table.js';
import { loadConfig } from '../../../shared/config.js';
import { personalDataSchema } from '../../../shared/domain/licensee.js';
import { createObservability } from '../../../shared/observability.js';
import { startJob } from '../../../shared/services/jobs/jobs.js';
import { runJob, type JobRunnerDeps } from '../../../shared/services/jobs/runner.js';
import { sealPii } from '../../../shared/services/personal-data-vault.js';
import { createAwsClients } from '../../../shared/wiring/base.js';
import { createStaffDeps } from '../../../shared/wiring/staff.js';
import { newLicensee } from '../../support/local-api.js';

const recipients = 500;
const staff = { kind: 'staff', id: 'arn:aws:iam::000000000000:user/marketing' } as const;

let table: IsolatedTable;
let deps: JobRunnerDeps;
const invoked: string[] = [];
const emails: string[] = [];

beforeAll(async () => {
  table = await createIsolatedTable(inject('localEnv'), 'zorgsom-marketing-job');
  const config = loadConfig({ ...table.env, JOB_RUNNER_FUNCTION: 'job-runner' });
  const clients = createAwsClients(config);
  const staffDeps = createStaffDeps(config, { count: () => {} }, { clients });
  deps = {
    ...staffDeps,
    jobs: createJobStore({ client: clients.dynamodb, tableName: config.TABLE_NAME, clock: staffDeps.clock }),
    // The runner's continuations are recorded here; the test plays Lambda and runs them itself.
    invoker: { invoke: async (jobId) => void invoked.push(jobId) },
    purge: createPurgeDeps(config, createObservability('job-runner'), { dynamodb: clients.dynamodb }),
  };
  // 500 active licensees who did not opt out, written as signup confirmation writes them.
  const run = `${Date.now().toString(36)}`;
  for (let batch = 0; batch < recipients; batch += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, recipients - batch) }, async (_, i) => {
        const licenseeId = ulid();
        const email = `marketing.${run}.${batch + i}@example.nl`;
        emails.push(email);
        const data = personalDataSchema.parse({ ...newLicensee(), email });
        await deps.repo.createProfile({
          licenseeId,
          status: 'active',
          createdAt: new Date().toISOString(),
          licenceStartedAt: new Date().toISOString(),
          marketingOptOut: false,
          emailIndex: `index-${licenseeId}`,
          pii: await sealPii(deps.envelope, licenseeId, { data }),
          version: 1,
        });
      }),
    );
  }
}, 300_000);

afterAll(async () => {
  await table?.drop();
});

describe('marketing send as a job', () => {
  it('sends 500 mails, each once, through a crash halfway, a time-budget stop and a duplicate invocation', async () => {
    const job = await startJob(deps, staff, 'marketing-send', { template: 'product-update' });
    expect(invoked).toEqual([job.jobId]);

    // First run: SES fails on the 251st mail; the run ends with the error (Lambda would retry the event).
    let sends = 0;
    const crashing: JobRunnerDeps = {
      ...deps,
      mailer: {
        ...deps.mailer,
        send: async (mail) => {
          sends += 1;
          if (sends === 251)
            throw Object.assign(new Error('throttled'), { name: 'TooManyRequestsException' });
          await deps.mailer.send(mail);
        },
      },
    };
    await expect(runJob(crashing, job.jobId, () => false)).rejects.toThrow('throttled');
    const afterCrash = await deps.jobs.get(job.jobId);
    expect(afterCrash).toMatchObject({
      status: 'running',
      lastError: 'TooManyRequestsException',
      progress: { audience: recipients, sent: 250 },
    });

    // The retry runs out of time after 100 more recipients and hands over to a continuation.
    let steps = 0;
    expect(await runJob(deps, job.jobId, () => ++steps > 100)).toBe('continued');
    expect(invoked).toEqual([job.jobId, job.jobId]);
    expect((await deps.jobs.get(job.jobId))?.progress.sent).toBe(350);

    // The continuation finishes; a duplicate delivery of the same event afterwards does nothing.
    expect(await runJob(deps, job.jobId, () => false)).toBe('finished');
    expect(await runJob(deps, job.jobId, () => false)).toBe('not-running');

    const done = await deps.jobs.get(job.jobId);
    expect(done).toMatchObject({
      status: 'done',
      runs: 3,
      result: { template: 'product-update', sent: recipients, skipped: 0 },
    });

    // Each address got the mail exactly once (once the mail-sender has delivered the outbox).
    await table.mail!.settle(120_000);
    const ours = new Set(emails);
    const perAddress = new Map<string, number>();
    for (const mail of await readOutbox(table.env.SES_ENDPOINT!)) {
      if (!mail.subject.startsWith('Nieuw in ZorgSom')) continue;
      for (const to of mail.to) if (ours.has(to)) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
    }
    expect(perAddress.size).toBe(recipients);
    expect([...perAddress.values()].every((n) => n === 1)).toBe(true);

    // Audited: the start, every mail (in the recipient's own trail), and the finish with the totals.
    const events = (await deps.audit.since(new Date(done!.startedAt))).filter(
      (event) => event.subjectId === job.jobId || event.details.jobId === job.jobId,
    );
    const count = (action: string) => events.filter((event) => event.action === action).length;
    expect(count('job.started')).toBe(1);
    expect(count('marketing.mail-sent')).toBe(recipients);
    expect(events.find((event) => event.action === 'marketing.sent')?.details).toMatchObject({
      sent: recipients,
      skipped: 0,
    });
  }, 600_000);
});
