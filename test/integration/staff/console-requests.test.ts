import { describe, expect, it } from 'vitest';
import { registerLicensee } from '../../support/licensees.js';
import { useLocalApi } from '../../support/local-api.js';

const api = useLocalApi();

type Row = {
  reference: string;
  status: string;
  daysLeft: number;
  timeLeft: number;
  urgent: boolean;
  duplicates: { reference: string }[];
};
const list = async (filter: Record<string, unknown> = {}, role: 'viewer' | 'admin' = 'viewer') => {
  const response = await api.staff('POST', '/api/admin/requests/list', filter, role);
  expect(response.status).toBe(200);
  return response.body as { requests: Row[]; hidden: number };
};
const auditOf = async (licenseeId: string) =>
  (await api.staff('POST', '/api/admin/audit', { licenseeId })).body.events as {
    action: string;
    actor: { id: string; username?: string };
  }[];

describe('the console request list', () => {
  it('filters by email through the blind index, hides unverified requests unless asked, and shows no personal value', async () => {
    const licensee = await registerLicensee(api);
    const question = await api.call('POST', '/api/privacy-requests', {
      token: licensee.token,
      body: { type: 'question', message: 'Welke gegevens hebben jullie?' },
    });
    // An unverified one: asked by address, never confirmed.
    await api.call('POST', '/api/privacy-requests/by-email', {
      body: { email: licensee.email, type: 'complaint', message: 'Onbevestigd.' },
    });
    // Stored by the by-email worker, after the answer.
    await api.byEmailSettled();
    const mine = await list({ email: licensee.email });
    expect(mine.requests.map((row) => row.reference)).toEqual([question.body.reference]);
    expect(mine.hidden).toBe(1);
    const withHidden = await list({ email: licensee.email, includeHidden: true });
    expect(withHidden.requests.map((row) => row.status).sort()).toEqual(['awaiting-confirmation', 'open']);
    const row = mine.requests[0]!;
    expect(row.daysLeft).toBeGreaterThanOrEqual(27);
    expect(row.timeLeft).toBeGreaterThan(0.9);
    expect(row.urgent).toBe(false);
    expect(JSON.stringify(withHidden)).not.toContain(licensee.email);
    expect(JSON.stringify(withHidden)).not.toContain('Welke gegevens');
    expect((await list({ email: 'nobody@example.nl' })).requests).toEqual([]);
  });

  it('groups a duplicate under its original and filters by reference, type and status', async () => {
    const licensee = await registerLicensee(api);
    const first = await api.call('POST', '/api/privacy-requests', {
      token: licensee.token,
      body: { type: 'deletion' },
    });
    const second = await api.call('POST', '/api/privacy-requests', {
      token: licensee.token,
      body: { type: 'deletion' },
    });
    expect(second.body.status).toBe('linked');
    const byReference = await list({ reference: first.body.reference.toLowerCase() });
    expect(byReference.requests).toHaveLength(1);
    expect(byReference.requests[0]!.duplicates.map((d) => d.reference)).toEqual([second.body.reference]);
    const queue = await list({ type: ['deletion'], status: ['awaiting-staff-approval'] });
    expect(queue.requests.map((r) => r.reference)).toContain(first.body.reference);
    expect(queue.requests.map((r) => r.reference)).not.toContain(second.body.reference);
    expect((await list({ type: ['question'] })).requests.map((r) => r.reference)).not.toContain(
      first.body.reference,
    );
  });
});

describe('the console request page', () => {
  it('detail without text for a viewer; the text, audited first, and notes for a handler', async () => {
    const licensee = await registerLicensee(api);
    const { reference } = (
      await api.call('POST', '/api/privacy-requests', {
        token: licensee.token,
        body: { type: 'question', message: 'Mag ik mijn gegevens zien?' },
      })
    ).body;
    const detail = await api.staff('POST', '/api/admin/requests/detail', { reference }, 'viewer');
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ reference, hasText: true, notes: 0, urgent: false });
    expect(detail.body.timeline.map((event: { action: string }) => event.action)).toContain(
      'privacy-request.received',
    );
    expect(JSON.stringify(detail.body)).not.toContain('Mag ik');
    expect((await api.staff('POST', '/api/admin/requests/show-text', { reference }, 'viewer')).status).toBe(
      403,
    );

    const note = await api.staff(
      'POST',
      '/api/admin/requests/note',
      { reference, note: 'Gebeld met de praktijk, antwoord volgt.' },
      'handler',
    );
    expect(note.status).toBe(200);
    const before = (await auditOf(licensee.licenseeId)).length;
    const text = await api.staff('POST', '/api/admin/requests/show-text', { reference }, 'handler');
    expect(text.body.message).toBe('Mag ik mijn gegevens zien?');
    expect(text.body.notes).toEqual([
      expect.objectContaining({
        by: 'handler@zorgsom.local',
        text: 'Gebeld met de praktijk, antwoord volgt.',
      }),
    ]);
    const added = (await auditOf(licensee.licenseeId)).slice(before);
    expect(added.map((event) => event.action)).toEqual(['privacy-request.read-by-staff']);
    expect(added[0]!.actor.username).toBe('handler@zorgsom.local');
    const after = await api.staff('POST', '/api/admin/requests/detail', { reference }, 'viewer');
    expect(after.body.notes).toBe(1);
    expect(after.body.timeline.map((event: { action: string }) => event.action)).toEqual(
      expect.arrayContaining(['privacy-request.note-added', 'privacy-request.read-by-staff']),
    );
  });

  it('previews exactly the rejection mail, with the right to complain to the AP, before it is sent', async () => {
    const licensee = await registerLicensee(api);
    const { reference } = (
      await api.call('POST', '/api/privacy-requests', {
        token: licensee.token,
        body: { type: 'complaint', message: 'Klacht over de factuur.' },
      })
    ).body;
    const reason = 'Een factuurvraag is geen privacyverzoek; wij beantwoorden die apart.';
    const preview = await api.staff(
      'POST',
      '/api/admin/requests/reject-preview',
      { reference, reason },
      'handler',
    );
    expect(preview.status).toBe(200);
    expect(preview.body.text).toContain(reason);
    expect(preview.body.text).toContain('Autoriteit Persoonsgegevens');
    const before = (await api.mailsTo(licensee.email)).length;
    expect(
      (await api.staff('POST', '/api/admin/requests/reject', { reference, reason }, 'handler')).status,
    ).toBe(200);
    const sent = (await api.mailsTo(licensee.email)).slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject).toBe(preview.body.subject);
    expect(sent[0]!.text?.trim()).toBe(preview.body.text.trim());
    // A rejection without a reason is refused.
    expect(
      (await api.staff('POST', '/api/admin/requests/reject-preview', { reference, reason: '' }, 'handler'))
        .status,
    ).toBe(400);
  });

  it('shows a linked request (no text of its own) only after auditing the read', async () => {
    const licensee = await registerLicensee(api);
    // A deletion waits for staff; a second one is linked to it and keeps no text of its own.
    const first = await api.call('POST', '/api/privacy-requests', {
      token: licensee.token,
      body: { type: 'deletion' },
    });
    const linked = await api.call('POST', '/api/privacy-requests', {
      token: licensee.token,
      body: { type: 'deletion' },
    });
    expect(first.body.status).toBe('awaiting-staff-approval');
    expect(linked.body.status).toBe('linked');
    const before = (await auditOf(licensee.licenseeId)).length;
    const shown = await api.staff('POST', '/api/admin/requests/show', { reference: linked.body.reference });
    expect(shown.body.message).toBeNull();
    const added = (await auditOf(licensee.licenseeId)).slice(before);
    expect(added.map((event) => event.action)).toEqual(['privacy-request.read-by-staff']);
  });
});

describe('licensee search', () => {
  it('finds by email or id without personal values, audited; reveal stays a separate audited read', async () => {
    const licensee = await registerLicensee(api);
    const byEmail = await api.staff(
      'POST',
      '/api/admin/licensees/find',
      { email: licensee.email },
      'handler',
    );
    expect(byEmail.body.licensees).toEqual([
      expect.objectContaining({ licenseeId: licensee.licenseeId, status: 'active' }),
    ]);
    expect(JSON.stringify(byEmail.body)).not.toContain(licensee.email);
    const byId = await api.staff(
      'POST',
      '/api/admin/licensees/find',
      { licenseeId: licensee.licenseeId },
      'handler',
    );
    expect(byId.body.licensees).toHaveLength(1);
    const none = await api.staff(
      'POST',
      '/api/admin/licensees/find',
      { email: 'niemand@example.nl' },
      'handler',
    );
    expect(none.body.licensees).toEqual([]);
    const events = await auditOf(licensee.licenseeId);
    expect(events.filter((event) => event.action === 'licensee.searched-by-staff')).toHaveLength(2);
  });
});
