import { describe, expect, it } from 'vitest';
import { registerLicensee } from '../../support/licensees.js';
import { useLocalApi } from '../../support/local-api.js';

const api = useLocalApi();

type Row = { reference: string; status: string; duplicates: { reference: string }[] };
const list = async (filter: Record<string, unknown>) =>
  (await api.staff('POST', '/api/admin/requests/list', filter, 'viewer')).body as {
    requests: Row[];
    hidden: number;
  };
const bulkClose = (body: Record<string, unknown>) =>
  api.staff('POST', '/api/admin/requests/bulk-close', body, 'handler');
const actionsOf = async (licenseeId: string) =>
  (
    (await api.staff('POST', '/api/admin/audit', { licenseeId })).body.events as {
      action: string;
      actor: { id: string; username?: string };
    }[]
  ).filter((event) => event.action.startsWith('privacy-request.closed-as-'));

describe('bulk close of a filtered request list', () => {
  it('closes every unverified request of the filter as spam once, after the confirmed count, mailing nobody', async () => {
    const owners = [await registerLicensee(api), await registerLicensee(api)];
    for (const owner of owners) {
      const asked = await api.call('POST', '/api/privacy-requests/by-email', {
        body: { email: owner.email, type: 'complaint', message: 'Nooit bevestigd.' },
      });
      expect(asked.status).toBeLessThan(300);
    }
    // Stored by the by-email worker, after the answers.
    await api.byEmailSettled();
    const verified = await api.call('POST', '/api/privacy-requests', {
      token: owners[0]!.token,
      body: { type: 'question', message: 'Een echte vraag.' },
    });
    const filter = { status: ['awaiting-confirmation'] };
    const shown = await list(filter);
    expect(shown.requests).toHaveLength(2);
    const mailsBefore = (await Promise.all(owners.map((o) => api.mailsTo(o.email)))).flat().length;

    // The list changed since the staff member counted: nothing is closed.
    const stale = await bulkClose({ filter, as: 'spam', expectedCount: 3 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('bulk-count-changed');
    expect((await list(filter)).requests).toHaveLength(2);

    // Fifty confirmations at once: each request is closed exactly once, never a 5xx.
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => bulkClose({ filter, as: 'spam', expectedCount: 2 })),
    );
    expect(responses.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    const closed = responses
      .filter((r) => r.status === 200)
      .reduce((sum, r) => sum + (r.body.closed as number), 0);
    expect(closed).toBe(2);
    expect((await list(filter)).requests).toEqual([]);
    const closedNow = await list({ status: ['closed-unconfirmed'], receivedFrom: '2000-01-01' });
    expect(closedNow.requests.map((row) => row.reference)).toHaveLength(2);

    const handler = api.staffActor('handler');
    for (const owner of owners) {
      const events = await actionsOf(owner.licenseeId);
      expect(events.map((e) => e.action)).toEqual(['privacy-request.closed-as-spam']);
      expect(events[0]!.actor).toMatchObject({ id: handler.id, username: handler.username });
    }
    expect((await Promise.all(owners.map((o) => api.mailsTo(o.email)))).flat()).toHaveLength(mailsBefore);
    // The verified question is untouched.
    const open = await list({ reference: verified.body.reference });
    expect(open.requests.map((row) => row.status)).toEqual(['open']);
  });

  it('never closes a verified request as spam: it must be answered or refused with a reason', async () => {
    const licensee = await registerLicensee(api);
    const question = await api.call('POST', '/api/privacy-requests', {
      token: licensee.token,
      body: { type: 'question', message: 'Mag dit?' },
    });
    const response = await bulkClose({
      filter: { reference: question.body.reference },
      as: 'spam',
      expectedCount: 1,
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      closed: 0,
      skipped: [{ reference: question.body.reference, reason: 'verified' }],
    });
    expect(await actionsOf(licensee.licenseeId)).toEqual([]);
  });

  it('links each later request of the same licensee and type to the earliest, which stays open', async () => {
    const licensee = await registerLicensee(api);
    const ask = (message: string) =>
      api.call('POST', '/api/privacy-requests', {
        token: licensee.token,
        body: { type: 'question', message },
      });
    const first = await ask('Eerste vraag.');
    const second = await ask('Dezelfde vraag nog eens.');
    const filter = { email: licensee.email, type: ['question'] };
    const response = await bulkClose({ filter, as: 'duplicate', expectedCount: 2 });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      closed: 1,
      skipped: [{ reference: first.body.reference, reason: 'no-original' }],
    });
    const after = await list(filter);
    expect(after.requests.map((row) => row.reference)).toEqual([first.body.reference]);
    expect(after.requests[0]!.duplicates.map((d) => d.reference)).toEqual([second.body.reference]);
    expect((await actionsOf(licensee.licenseeId)).map((e) => e.action)).toEqual([
      'privacy-request.closed-as-duplicate',
    ]);
  });

  it('refuses a count of zero or above the limit, and an unknown way of closing', async () => {
    for (const body of [
      { filter: {}, as: 'spam', expectedCount: 0 },
      { filter: {}, as: 'spam', expectedCount: 501 },
      { filter: {}, as: 'answered', expectedCount: 1 },
    ]) {
      expect((await bulkClose(body)).status).toBe(400);
    }
  });
});
