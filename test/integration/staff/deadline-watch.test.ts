import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deliveredMails } from '../../support/outbox.js';
import { createIsolatedTable, type IsolatedTable } from '../../../local/table.js';
import { loadConfig } from '../../../shared/config.js';
import { addDays } from '../../../shared/domain/dates.js';
import { createRequest } from '../../../shared/services/requests/workflow.js';
import { runDeadlineWatch } from '../../../shared/services/staff/deadline-watch.js';
import { signupBodySchema } from '../../../shared/domain/licensee.js';
import { confirmSignup, signup } from '../../../shared/services/signup.js';
import { requireLicensee } from '../../../shared/services/session.js';
import { createRequestDeps } from '../../../shared/wiring-requests.js';
import { newLicensee } from '../../support/local-api.js';

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
  it('is quiet while nothing is near its deadline, then mails staff once a day with what is due or overdue', async () => {
    const counts: [number, number][] = [];
    const watch = (at: Date) =>
      runDeadlineWatch({
        ...deps(),
        clock: () => at,
        staffMailbox,
        countOverdue: (overdue, dueSoon) => counts.push([overdue, dueSoon]),
      });

    const early = await openQuestion();
    now = addDays(now, 5);
    const late = await openQuestion();

    expect(await watch(now)).toEqual({ overdue: 0, dueSoon: 0, mailed: false });
    expect(
      await deliveredMails(table.env).then((mails) => mails.filter((m) => m.to.includes(staffMailbox))),
    ).toEqual([]);

    const nearEarly = addDays(new Date(early.dueAt), -3);
    expect(await watch(nearEarly)).toEqual({ overdue: 0, dueSoon: 1, mailed: true });

    const pastEarly = addDays(new Date(early.dueAt), 1);
    expect(await watch(pastEarly)).toEqual({ overdue: 1, dueSoon: 1, mailed: true });
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
});
