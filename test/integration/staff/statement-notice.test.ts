import { describe, expect, it } from 'vitest';
import { policy } from '../../../shared/domain/policy.js';
import { statementNoticeMail } from '../../../shared/services/statement-notice.js';
import { registerLicensee } from '../../support/licensees.js';
import { newLicensee, useLocalApi } from '../../support/local-api.js';

const api = useLocalApi();

// Every licensee here signed up in Dutch (the default): their notice is in Dutch only.
const subject = 'Onze privacyverklaring is gewijzigd';
const noticesTo = async (email: string) =>
  (await api.mailsTo(email)).filter((mail) => mail.subject === subject);

describe('privacy statement notice', () => {
  it('mails the new version once to everyone whose data is held, however often and however many staff start it', async () => {
    const active = await registerLicensee(api);
    const optedOut = await registerLicensee(api, { marketingOptOut: true });
    const ended = await registerLicensee(api);
    expect(
      (await api.staff('POST', '/api/admin/licences/end', { licenseeId: ended.licenseeId })).status,
    ).toBe(200);
    const pending = newLicensee({ email: `pending.${Date.now()}@example.nl` });
    expect((await api.call('POST', '/api/licensees', { body: pending })).status).toBe(202);

    // 50 staff calls at once: one job, the same one for every caller, and no error.
    const calls = await Promise.all(
      Array.from({ length: 50 }, () => api.staff('POST', '/api/admin/statement/notify', {})),
    );
    expect(calls.map((call) => call.status)).toEqual(Array(50).fill(200));
    const jobIds = new Set(calls.map((call) => call.body.jobId));
    expect(jobIds.size).toBe(1);
    expect(calls.filter((call) => call.body.started === true)).toHaveLength(1);

    const job = await api.waitForJob([...jobIds][0]);
    expect(job).toMatchObject({
      kind: 'statement-notice',
      status: 'done',
      params: { version: policy.statement.version },
      result: { version: policy.statement.version, sent: 3, skipped: 0, superseded: false },
    });

    for (const licensee of [active, optedOut, ended]) {
      const mails = await noticesTo(licensee.email);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.text).toContain(`versie ${policy.statement.version}`);
      expect(mails[0]!.text).toContain(policy.statement.changes.nl);
      expect(mails[0]!.text).toContain(`${api.env.PORTAL_URL}/privacy.html`);
      const events = (await api.staff('POST', '/api/admin/audit', { licenseeId: licensee.licenseeId })).body
        .events as { action: string; details?: { version?: string } }[];
      expect(events.filter((event) => event.action === 'statement.notice-sent')).toEqual([
        expect.objectContaining({ details: { version: policy.statement.version } }),
      ]);
    }
    expect(await noticesTo(String(pending.email))).toEqual([]);

    // Asked again later: the same job, nothing sent.
    const again = await api.staff('POST', '/api/admin/statement/notify', {});
    expect(again.body).toMatchObject({ jobId: job.jobId, started: false, status: 'done' });
    expect(await noticesTo(active.email)).toHaveLength(1);
  }, 60_000);

  it('says in plain words, in Dutch then English, what changed, from when, and where to read it', () => {
    const mail = statementNoticeMail('a@example.nl', 'Jan Jansen', 'https://portal.example', 'nl+en');
    expect(mail.text).toContain('Beste Jan Jansen,');
    expect(mail.text).toContain(`Per 1 december 2026 geldt versie ${policy.statement.version}`);
    expect(mail.text).toContain(`From 1 December 2026, version ${policy.statement.version}`);
    expect(mail.text).toContain('https://portal.example/privacy.html');
    expect(mail.text.indexOf('Beste')).toBeLessThan(mail.text.indexOf('Dear'));
    expect(mail.text).not.toMatch(/heeft u/i);
  });
});
