import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerLicensee } from '../../support/licensees.js';
import { startLocalApi, type LocalApi } from '../../support/local-api.js';

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(async () => {
  await api?.close();
});

type Event = { action: string; actor: { kind: string; id: string } };

describe('audit completeness', () => {
  it('every staff state change and every staff read of plaintext writes exactly one event naming the staff member', async () => {
    const licensee = await registerLicensee(api);
    const { licenseeId, token } = licensee;
    const question = (
      await api.call('POST', '/api/privacy-requests', {
        token,
        body: { type: 'question', message: 'Mijn vraag.' },
      })
    ).body;
    const complaint = (
      await api.call('POST', '/api/privacy-requests', {
        token,
        body: { type: 'complaint', message: 'Mijn klacht.' },
      })
    ).body;
    const events = async () =>
      (await api.staff('POST', '/api/admin/audit', { licenseeId })).body.events as Event[];
    const before = (await events()).length;

    // Each staff action, and the one audit action it must leave behind.
    const steps: [() => Promise<{ status: number }>, string][] = [
      [() => api.staff('POST', '/api/admin/licensees/show', { licenseeId }), 'licensee.read-by-staff'],
      [
        () => api.staff('POST', '/api/admin/requests/show', { reference: question.reference }),
        'privacy-request.read-by-staff',
      ],
      [
        () =>
          api.staff('POST', '/api/admin/requests/extend', {
            reference: question.reference,
            months: 1,
            reason: 'Navraag bij de boekhouding.',
          }),
        'privacy-request.extended',
      ],
      [
        () =>
          api.staff('POST', '/api/admin/requests/close', {
            reference: question.reference,
            response: 'Dit is ons antwoord op uw vraag.',
          }),
        'privacy-request.completed',
      ],
      [
        () =>
          api.staff('POST', '/api/admin/requests/reject', {
            reference: complaint.reference,
            reason: 'Geen verwerking door ZorgSom.',
          }),
        'privacy-request.rejected',
      ],
      [
        () =>
          api.staff('POST', '/api/admin/disclosures/record', {
            licenseeId,
            recipient: 'Belastingdienst',
            basis: 'legal-obligation',
            categories: ['name'],
            reference: 'BD-1',
          }),
        'disclosure.recorded',
      ],
      [
        () =>
          api.staff('POST', '/api/admin/budget-reviews/request', {
            licenseeId,
            reason: 'Controle begroting 2027',
          }),
        'budget-review.requested',
      ],
      [
        () =>
          api.staff('POST', '/api/admin/holds/place', {
            licenseeId,
            reason: 'legal-claim',
            caseReference: 'CLAIM-9',
            until: '2027-01-31',
          }),
        'retention.hold-placed',
      ],
      [() => api.staff('POST', '/api/admin/holds/lift', { licenseeId }), 'retention.hold-lifted'],
      [() => api.staff('POST', '/api/admin/licences/end', { licenseeId }), 'licence.ended'],
    ];
    let seen = before;
    for (const [act, action] of steps) {
      expect((await act()).status).toBe(200);
      const now = await events();
      const added = now.slice(seen);
      expect(added.map((event) => event.action)).toEqual([action]);
      expect(added[0]!.actor).toEqual(api.staffActor('admin'));
      seen = now.length;
    }

    // Refused actions leave no trace of a change.
    expect(
      (
        await api.staff('POST', '/api/admin/requests/close', {
          reference: question.reference,
          response: 'Tweede antwoord.',
        })
      ).status,
    ).toBe(409);
    expect((await events()).length).toBe(seen);
  });
});
