import { describe, expect, it } from 'vitest';
import { deliveredMails } from '../../support/outbox.js';
import { registerLicensee } from '../../support/licensees.js';
import { useLocalApi } from '../../support/local-api.js';

const api = useLocalApi();

const marketingMailsTo = async (email: string) =>
  (await api.mailsTo(email)).filter((mail) => mail.subject.startsWith('Nieuw in ZorgSom'));

describe('marketing', () => {
  it('reaches only active licensees who did not opt out, each mail with a working one-click opt-out', async () => {
    const keen = await registerLicensee(api);
    const optedOutAtSignup = await registerLicensee(api, { marketingOptOut: true });
    const optedOutLater = await registerLicensee(api);
    await api.call('PUT', '/api/me/marketing', { token: optedOutLater.token, body: { optOut: true } });
    const pendingInput = { email: `pending.${Date.now()}@example.nl` };
    await api.call('POST', '/api/licensees', {
      body: { ...(await import('../../support/local-api.js')).newLicensee(pendingInput) },
    });

    const audience = await api.staff('POST', '/api/admin/marketing/audience', {});
    expect(audience.body.recipients).toBe(1);

    const sent = await api.staff('POST', '/api/admin/marketing/send', { template: 'product-update' });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ kind: 'marketing-send', status: 'running' });
    const job = await api.waitForJob(sent.body.jobId);
    expect(job).toMatchObject({
      status: 'done',
      result: { template: 'product-update', sent: 1, skipped: 0 },
    });
    expect(await marketingMailsTo(optedOutAtSignup.email)).toEqual([]);
    expect(await marketingMailsTo(optedOutLater.email)).toEqual([]);
    expect(await marketingMailsTo(pendingInput.email)).toEqual([]);

    const [mail] = await marketingMailsTo(keen.email);
    expect(mail!.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const link = /^<(.+)>$/.exec(mail!.headers['List-Unsubscribe']!)![1]!;
    expect(mail!.text).toContain(link);
    const path = new URL(link).pathname + new URL(link).search;

    // Opening the link changes nothing; the one-click POST opts out at once.
    const page = await fetch(`${api.url}${path}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    expect((await api.call('GET', '/api/me', { token: keen.token })).body.marketingOptOut).toBe(false);

    const oneClick = await fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect((await api.call('GET', '/api/me', { token: keen.token })).body.marketingOptOut).toBe(true);
    expect((await api.staff('POST', '/api/admin/marketing/audience', {})).body.recipients).toBe(0);

    const events = (await api.staff('POST', '/api/admin/audit', { licenseeId: keen.licenseeId })).body.events;
    expect(events.map((event: { action: string }) => event.action)).toContain('marketing.opted-out');
  });

  it('refuses a forged or altered unsubscribe token and an unknown template', async () => {
    const licensee = await registerLicensee(api);
    for (const token of [`${licensee.licenseeId}.forged`, 'nonsense', '']) {
      const response = await fetch(
        `${api.url}/api/marketing/unsubscribe?token=${encodeURIComponent(token)}`,
        { method: 'POST' },
      );
      expect(response.status).toBe(400);
    }
    expect((await api.call('GET', '/api/me', { token: licensee.token })).body.marketingOptOut).toBe(false);
    expect((await api.staff('POST', '/api/admin/marketing/send', { template: 'spam' })).status).toBe(400);
    expect((await deliveredMails(api.env)).some((mail) => mail.subject.includes('spam'))).toBe(false);
  });

  it('previews the mail a send would make, with its opt-out, for admins only', async () => {
    const preview = await api.staff('POST', '/api/admin/marketing/preview', {
      template: 'training-invitation',
    });
    expect(preview.status).toBe(200);
    expect(preview.body.subject).toBe(
      'Uitnodiging: gratis ZorgSom-training / Invitation: free ZorgSom training',
    );
    expect(preview.body.text).toContain('Meld u met één klik af');
    expect(preview.body.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(
      (await api.staff('POST', '/api/admin/marketing/preview', { template: 'product-update' }, 'handler'))
        .status,
    ).toBe(403);
  });
});
