import { describe, expect, it } from 'vitest';
import { addMonths } from '../../../shared/domain/dates.js';
import { registerLicensee } from '../../support/licensees.js';
import { useLocalApi } from '../../support/local-api.js';

const api = useLocalApi();

type Event = {
  eventId: string;
  action: string;
  actor: { kind: string; id: string };
  subjectId?: string;
  details: Record<string, unknown>;
};
const eventsOf = async (licenseeId: string) =>
  (await api.staff('POST', '/api/admin/audit', { licenseeId })).body.events as Event[];

async function submitted(type: string, message?: string) {
  const licensee = await registerLicensee(api);
  const response = await api.call('POST', '/api/privacy-requests', {
    token: licensee.token,
    body: { type, ...(message ? { message } : {}) },
  });
  expect(response.status).toBe(201);
  return {
    licensee,
    request: response.body as { reference: string; requestId: string; status: string; dueAt: string },
  };
}

describe('the request lifecycle, run by staff', () => {
  it('lists, shows (audited), extends within the legal maximum and answers a question', async () => {
    const { licensee, request } = await submitted('question', 'Hoe lang bewaren jullie mijn IBAN?');
    expect(request.status).toBe('open');

    const list = await api.staff('POST', '/api/admin/requests/list', {});
    const listed = list.body.requests.find(
      (entry: { reference: string }) => entry.reference === request.reference,
    );
    expect(listed).toMatchObject({ type: 'question', status: 'open', daysLeft: expect.any(Number) });
    const dueDates = list.body.requests.map((entry: { dueAt: string }) => entry.dueAt);
    expect(dueDates).toEqual([...dueDates].sort());

    const shown = await api.staff('POST', '/api/admin/requests/show', { reference: request.reference });
    expect(shown.body.message).toBe('Hoe lang bewaren jullie mijn IBAN?');
    expect(
      (await eventsOf(licensee.licenseeId)).filter(
        (event) => event.action === 'privacy-request.read-by-staff',
      ),
    ).toHaveLength(1);

    const extended = await api.staff('POST', '/api/admin/requests/extend', {
      reference: request.reference,
      months: 1,
      reason: 'Wij moeten dit navragen bij onze boekhouder.',
    });
    expect(extended.status).toBe(200);
    expect(extended.body.dueAt).toBe(addMonths(new Date(request.dueAt), 1).toISOString());
    const tooLong = await api.staff('POST', '/api/admin/requests/extend', {
      reference: request.reference,
      months: 2,
      reason: 'Nog meer tijd nodig, sorry.',
    });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.code).toBe('extension-too-long');
    const mails = await api.mailsTo(licensee.email);
    expect(mails.at(-1)!.text).toContain('navragen bij onze boekhouder');

    const closed = await api.staff('POST', '/api/admin/requests/close', {
      reference: request.reference,
      response: 'Wij bewaren uw IBAN tot uiterlijk twee jaar na het einde van uw licentie.',
    });
    expect(closed.body.status).toBe('completed');
    expect((await api.mailsTo(licensee.email)).at(-1)!.text).toContain('uiterlijk twee jaar');
    expect(
      (
        await api.staff('POST', '/api/admin/requests/close', {
          reference: request.reference,
          response: 'Nogmaals een antwoord.',
        })
      ).status,
    ).toBe(409);

    const actions = (await eventsOf(licensee.licenseeId)).map((event) => event.action);
    for (const action of ['privacy-request.extended', 'privacy-request.completed']) {
      expect(actions.filter((a) => a === action)).toHaveLength(1);
    }
    const staffEvents = (await eventsOf(licensee.licenseeId)).filter((event) => event.actor.kind === 'staff');
    expect(staffEvents.every((event) => event.actor.id === api.staffActor('admin').id)).toBe(true);
  });

  it('refuses only with a reason, and tells the licensee of their right to complain to the AP', async () => {
    const { licensee, request } = await submitted('complaint', 'Ik ben niet tevreden over de afhandeling.');
    expect(
      (await api.staff('POST', '/api/admin/requests/reject', { reference: request.reference })).status,
    ).toBe(400);
    expect(
      (
        await api.staff('POST', '/api/admin/requests/reject', {
          reference: request.reference,
          reason: 'kort',
        })
      ).status,
    ).toBe(400);
    const rejected = await api.staff('POST', '/api/admin/requests/reject', {
      reference: request.reference,
      reason: 'De klacht betreft geen verwerking van persoonsgegevens door ZorgSom.',
    });
    expect(rejected.body.status).toBe('rejected');
    const refusal = (await api.mailsTo(licensee.email)).at(-1)!;
    expect(refusal.text).toContain('geen verwerking van persoonsgegevens');
    expect(refusal.text).toContain('Autoriteit Persoonsgegevens');
  });

  it('approves a deletion: the licence ends and everything is purged by a job, with a certificate', async () => {
    const question = await submitted('question', 'Een vraag.');
    expect(
      (
        await api.staff('POST', '/api/admin/requests/approve-deletion', {
          reference: question.request.reference,
        })
      ).body.code,
    ).toBe('not-a-deletion');

    const { licensee, request } = await submitted('deletion');
    expect(request.status).toBe('awaiting-staff-approval');
    const approved = await api.staff('POST', '/api/admin/requests/approve-deletion', {
      reference: request.reference,
    });
    expect(approved.status).toBe(200);
    expect(approved.body.outcome).toBe('purge-started');
    const job = await api.waitForJob(approved.body.jobId);
    expect(job).toMatchObject({ kind: 'purge', status: 'done', result: { outcome: 'purged' } });

    expect((await api.call('GET', '/api/me', { token: licensee.token })).status).toBe(401);
    expect(
      (await api.staff('POST', '/api/admin/licensees/show', { licenseeId: licensee.licenseeId })).status,
    ).toBe(404);
    const certificate = (await eventsOf(licensee.licenseeId)).find(
      (event) => event.action === 'retention.purged',
    );
    expect(job.result.certificateId).toBe(certificate?.eventId);
    expect(certificate).toMatchObject({
      subjectId: request.requestId,
      details: expect.objectContaining({ reason: 'deletion-request' }),
    });
    expect((await api.mailsTo(licensee.email)).at(-1)!.subject).toContain('Uw gegevens zijn verwijderd');
    // The address is free again.
    expect((await registerLicensee(api, { email: licensee.email })).licenseeId).not.toBe(licensee.licenseeId);
  });

  it('ends licences and places and lifts legal holds, which pause a deletion', async () => {
    const { licensee, request } = await submitted('deletion');
    const badHold = await api.staff('POST', '/api/admin/holds/place', {
      licenseeId: licensee.licenseeId,
      reason: 'curiosity',
      caseReference: 'X-1',
      until: '2027-06-30',
    });
    expect(badHold.status).toBe(400);
    const hold = await api.staff('POST', '/api/admin/holds/place', {
      licenseeId: licensee.licenseeId,
      reason: 'fraud-investigation',
      caseReference: 'FRAUDE-2026-7',
      until: '2027-06-30',
    });
    expect(hold.status).toBe(200);
    const approved = await api.staff('POST', '/api/admin/requests/approve-deletion', {
      reference: request.reference,
    });
    expect(approved.body.outcome).toBe('purge-started');
    expect((await api.waitForJob(approved.body.jobId)).result).toEqual({ outcome: 'held' });
    expect(
      (await api.staff('POST', '/api/admin/licensees/show', { licenseeId: licensee.licenseeId })).body.status,
    ).toBe('ended');
    expect(
      (await api.staff('POST', '/api/admin/holds/lift', { licenseeId: licensee.licenseeId })).status,
    ).toBe(200);

    const other = await registerLicensee(api);
    const ended = await api.staff('POST', '/api/admin/licences/end', { licenseeId: other.licenseeId });
    expect(ended.status).toBe(200);
    const exported = await api.call('GET', '/api/me/export', { token: other.token });
    expect(exported.body.retention.destroyedBy).toEqual(expect.any(String));
    const actions = (await eventsOf(licensee.licenseeId)).map((event) => event.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'retention.hold-placed',
        'retention.hold-lifted',
        'privacy-request.deletion-approved',
      ]),
    );
  });

  it('reports figures that match the stored events', async () => {
    const { licensee } = await submitted('overview');
    await api.staff('POST', '/api/admin/disclosures/record', {
      licenseeId: licensee.licenseeId,
      recipient: 'Politie Eenheid Utrecht',
      basis: 'fraud',
      categories: ['name'],
      reference: 'PV-2026-1',
    });
    // From yesterday to today (taken after the events): events made just before midnight still count, and
    // both queries cover the same days.
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const report = await api.staff('POST', '/api/admin/reports/activity', { from: yesterday, to: today });
    expect(report.status).toBe(200);
    const { events } = (await api.staff('POST', '/api/admin/audit', { since: yesterday })).body as {
      events: Event[];
    };
    const count = (action: string) => events.filter((event) => event.action === action).length;
    expect(report.body.requests.received).toBe(count('privacy-request.received'));
    expect(report.body.requests.answered).toBe(
      count('privacy-request.completed') +
        count('privacy-request.rejected') +
        count('privacy-request.deletion-approved'),
    );
    expect(report.body.purges.total).toBe(count('retention.purged'));
    expect(report.body.disclosures.fraud).toBe(
      events.filter((event) => event.action === 'disclosure.recorded' && event.details.basis === 'fraud')
        .length,
    );
    expect(report.body.disclosures.fraud).toBeGreaterThanOrEqual(1);
    expect(
      (await api.staff('POST', '/api/admin/reports/activity', { from: today, to: '2020-01-01' })).status,
    ).toBe(400);
  });
});
