import { describe, expect, it } from 'vitest';
import { retentionDates } from '../../../shared/domain/retention.js';
import { registerLicensee } from '../../support/licensees.js';
import { useLocalApi } from '../../support/local-api.js';

const api = useLocalApi();

describe('POST /api/me/licence/end', () => {
  it('ends the licence on explicit confirmation; the export shows when everything is destroyed', async () => {
    const { token, licenseeId } = await registerLicensee(api);
    const before = await api.call('GET', '/api/me/export', { token });
    expect(before.body.retention.destroyedBy).toBeNull();

    expect((await api.call('POST', '/api/me/licence/end', { token, body: {} })).status).toBe(400);
    expect((await api.call('POST', '/api/me/licence/end', { token, body: { confirm: false } })).status).toBe(
      400,
    );
    expect(
      (await api.call('POST', '/api/me/licence/end', { token, body: { confirm: true, why: 'x' } })).status,
    ).toBe(400);

    // The licence ends on the Amsterdam date of the call: bracket it, so a call across midnight still passes.
    const sent = Date.now();
    const ended = await api.call('POST', '/api/me/licence/end', { token, body: { confirm: true } });
    const answered = Date.now();
    expect(ended.status).toBe(200);
    const expected = String(ended.body.destroyedBy);
    expect([sent, answered].map((at) => retentionDates(new Date(at)).purgeAt.toISOString())).toContain(
      expected,
    );
    expect(ended.body).toMatchObject({ licenseeId, status: 'ended', destroyedBy: expected, legalHold: null });

    const after = await api.call('GET', '/api/me/export', { token });
    expect(after.status).toBe(200);
    expect(after.body.retention.destroyedBy).toBe(expected);
    expect(after.body.profile.status).toBe('ended');

    // Again: idempotent, same date.
    const again = await api.call('POST', '/api/me/licence/end', { token, body: { confirm: true } });
    expect(again.body.destroyedBy).toBe(expected);
  });

  it('needs a session', async () => {
    expect((await api.call('POST', '/api/me/licence/end', { body: { confirm: true } })).status).toBe(401);
  });
});
