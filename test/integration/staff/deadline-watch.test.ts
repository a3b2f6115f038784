import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deliveredMails } from '../../support/outbox.js';
import { createIsolatedTable, localDynamoDbClient, type IsolatedTable } from '../../../local/table.js';
import { loadConfig } from '../../../shared/config.js';
import { addDays } from '../../../shared/domain/dates.js';
import { createRequest } from '../../../shared/services/requests/workflow.js';
import { runDeadlineWatch } from '../../../shared/services/staff/deadline-watch.js';
import { signupBodySchema } from '../../../shared/domain/licensee-input.js';
import { confirmSignup, signup } from '../../../shared/services/signup.js';
import { requireLicensee } from '../../../shared/services/session.js';
import { createRequestDeps } from '../../../shared/wiring/requests.js';
import { newLicensee } from '../../support/local-api.js';
import { ulid } from 'ulid';
import { createAuditLog } from '../../../shared/adapters/audit-log.js';
import { createJobStore } from '../../../shared/adapters/job-store.js';
import { policy } from '../../../shared/domain/policy.js';
import { startStatementNotice, statementNoticeMissing } from '../../../shared/services/statement-notice.js';

let table: IsolatedTable;
let now = new Date('2026-05-01T08:00:00Z');
const staffMailbox = `privacy-team.${Date.now()}@zorgsom.test`;

beforeAll(async () => {
  table = await createIsolatedTable(inject('localEnv'), 'zorgsom-deadlines');
});
afterAll(async () => {
  await table?.drop();
});

const deps = () => createRequestDeps(loadConfig(table.env), { count: () => {} }, { clock: () => now });

async function openQuestion() {
  const body = signupBodySchema.parse(newLicensee());
  await signup(deps(), body);
  const mail = (await deliveredMails(table.env)).filter((m) => m.to.includes(body.email)).at(-1)!;
  const grant = await confirmSignup(deps(), {
    email: body.email,
    code: /\b(\d{6})\b/.exec(mail.text ?? '')![1]!,
  });
  const licenseeId = await requireLicensee(deps(), grant.token);
  return createRequest(deps(), {
    licenseeId,
    type: 'question',
    channel: 'web',
    verifiedBy: 'session',
    actor: { kind: 'licensee', id: licenseeId },
    message: 'Een vraag over mijn gegevens.',
  });
}

describe('deadline watch', () => {
  it('is quiet while nothing is near its deadline, then mails staff on each run with what is due or overdue', async () => {
    const counts: [number, number][] = [];
    const watch = (at: Date) =>
      runDeadlineWatch({
        ...deps(),
        clock: () => at,
        staffMailbox,
        countOverdue: (overdue, dueSoon) => counts.push([overdue, dueSoon]),
        statementNoticeMissing: async () => false,
      });

    const early = await openQuestion();
    now = addDays(now, 5);
    const late = await openQuestion();

    expect(await watch(now)).toEqual({
      overdue: 0,
      dueSoon: 0,
      statementNoticePending: false,
      mailed: false,
    });
    expect(
      await deliveredMails(table.env).then((mails) => mails.filter((m) => m.to.includes(staffMailbox))),
    ).toEqual([]);

    const nearEarly = addDays(new Date(early.dueAt), -3);
    expect(await watch(nearEarly)).toEqual({
      overdue: 0,
      dueSoon: 1,
      statementNoticePending: false,
      mailed: true,
    });

    const pastEarly = addDays(new Date(early.dueAt), 1);
    expect(await watch(pastEarly)).toEqual({
      overdue: 1,
      dueSoon: 1,
      statementNoticePending: false,
      mailed: true,
    });
    const digest = (await deliveredMails(table.env)).filter((m) => m.to.includes(staffMailbox)).at(-1)!;
    expect(digest.subject).toBe('Privacy requests: 1 overdue, 1 due within 7 days');
    expect(digest.text).toContain(early.reference);
    expect(digest.text).toContain(late.reference);
    expect(digest.text).not.toContain('Een vraag');
    expect(counts).toEqual([
      [0, 0],
      [0, 1],
      [1, 1],
    ]);
  });

  it('reminds staff daily while the current statement version has not been mailed, and stops once it has', async () => {
    const jobs = createJobStore({
      client: localDynamoDbClient(table.env),
      tableName: table.env.TABLE_NAME!,
      clock: () => now,
    });
    const mailbox = `statement-${Date.now()}@zorgsom.test`;
    const watch = () =>
      runDeadlineWatch({
        ...deps(),
        clock: () => new Date('2020-01-01T06:00:00Z'),
        staffMailbox: mailbox,
        countOverdue: () => {},
        statementNoticeMissing: () => statementNoticeMissing({ jobs }),
      });
    const digests = async () => (await deliveredMails(table.env)).filter((m) => m.to.includes(mailbox));

    expect(await watch()).toMatchObject({ statementNoticePending: true, mailed: true });
    const [digest] = await digests();
    expect(digest!.subject).toContain(`statement ${policy.statement.version} not yet mailed`);
    expect(digest!.text).toContain('npm run admin -- statement notify');

    await startStatementNotice(
      {
        jobs,
        invoker: { invoke: async () => {} },
        audit: createAuditLog({
          client: localDynamoDbClient(table.env),
          tableName: table.env.TABLE_NAME!,
          clock: () => now,
          newId: ulid,
        }),
        clock: () => now,
        newId: ulid,
      },
      { kind: 'staff', id: 'deadline-test' },
    );
    expect(await watch()).toMatchObject({ statementNoticePending: false });
    expect(await digests()).toHaveLength(1);
  });
});
