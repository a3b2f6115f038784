import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { copyBack } from '../../../cli/restore-copy-back.js';
import { createIsolatedTable, type IsolatedTable } from '../../../local/table.js';
import { registerLicensee } from '../../support/licensees.js';
import { startLocalApi, type LocalApi } from '../../support/local-api.js';

let api: LocalApi;
let snapshot: IsolatedTable;
beforeAll(async () => {
  api = await startLocalApi();
  snapshot = await createIsolatedTable(inject('localEnv'), 'zorgsom-snapshot');
});
afterAll(async () => {
  await snapshot?.drop();
  await api?.close();
});

type Event = { eventId: string; action: string; subjectId?: string; details: Record<string, unknown> };
const eventsOf = async (licenseeId: string) =>
  (await api.staff('POST', '/api/admin/audit', { licenseeId })).body.events as Event[];

/**
 * Runbook §3: a backup taken before a purge, restored, must not bring the licensee back. Locally the
 * backup is a copy of the table's items (PITR restores into a new table too); the restore copies them back
 * without overwriting, and the re-purge applies every purge in the audit trail again.
 */
describe('restore from backup, then re-purge', () => {
  it('a licensee purged after the backup is gone again, with a certificate naming the first purge', async () => {
    const purged = await registerLicensee(api);
    const kept = await registerLicensee(api);
    const request = await api.call('POST', '/api/privacy-requests', {
      token: purged.token,
      body: { type: 'deletion' },
    });
    expect(request.status).toBe(201);

    // The backup, taken before the purge.
    const backup = await copyBack(api.dynamodb, api.env.TABLE_NAME, snapshot.env.TABLE_NAME!);
    expect(backup.copied).toBeGreaterThan(0);

    const approved = await api.staff('POST', '/api/admin/requests/approve-deletion', {
      reference: request.body.reference,
    });
    const purge = await api.waitForJob(approved.body.jobId);
    expect(purge.result.outcome).toBe('purged');
    const show = () => api.staff('POST', '/api/admin/licensees/show', { licenseeId: purged.licenseeId });
    expect((await show()).status).toBe(404);

    // The restore brings the purged licensee back ...
    const restored = await copyBack(api.dynamodb, snapshot.env.TABLE_NAME!, api.env.TABLE_NAME);
    expect(restored.copied).toBeGreaterThan(0);
    expect((await show()).status).toBe(200);

    // ... and the re-purge of every purge since the backup day removes them again.
    const since = new Date().toISOString().slice(0, 10);
    const started = await api.staff('POST', '/api/admin/retention/repurge', { since });
    expect(started.status).toBe(200);
    const repurge = await api.waitForJob(started.body.jobId);
    expect(repurge).toMatchObject({ kind: 'repurge', status: 'done' });
    expect(repurge.result.rePurged).toBeGreaterThanOrEqual(1);
    expect((await show()).status).toBe(404);
    expect((await api.call('GET', '/api/me', { token: purged.token })).status).toBe(401);

    const events = await eventsOf(purged.licenseeId);
    const original = events.find((event) => event.action === 'retention.purged');
    const again = events.filter((event) => event.action === 'retention.re-purged');
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({
      subjectId: original?.eventId,
      details: expect.objectContaining({
        originalCertificate: original?.eventId,
        reason: 'deletion-request',
      }),
    });
    expect(Number(again[0]?.details.items)).toBeGreaterThanOrEqual(1);

    // The licensee who was never purged is untouched; running the re-purge again finds nothing to do.
    expect(
      (await api.staff('POST', '/api/admin/licensees/show', { licenseeId: kept.licenseeId })).status,
    ).toBe(200);
    const second = await api.waitForJob(
      (await api.staff('POST', '/api/admin/retention/repurge', { since })).body.jobId,
    );
    expect(second.result.rePurged).toBe(0);
    expect(
      (await eventsOf(purged.licenseeId)).filter((e) => e.action === 'retention.re-purged'),
    ).toHaveLength(1);
  }, 120_000);
});
