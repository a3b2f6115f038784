import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newLicensee, startLocalApi, type LocalApi } from '../../support/local-api.js';
import { startMailDelivery, type MailDelivery } from '../../support/mail-delivery.js';
import { captureOutput } from '../../support/captured-output.js';

/**
 * The whole path on the local stack: a mail over SMTP → raw MIME in local S3 → the real mail-intake
 * handler with an SES-shaped event → confirmation mail in the SES emulator → confirm over the HTTP API →
 * the effect (opt-out applied, overview available) and the final mail. Logs are captured throughout.
 */
let api: LocalApi;
let smtp: MailDelivery;
let captured: string[] = [];

beforeAll(async () => {
  // Logs on (the global setup quiets them): this file checks what they carry.
  api = await startLocalApi({ POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_METRICS_DISABLED: 'false' });
  smtp = await startMailDelivery(api.env, { smtp: true });
  captured = captureOutput();
});
afterAll(async () => {
  vi.restoreAllMocks();
  await smtp?.close();
  await api?.close();
});

const codeOf = (text: string | undefined) => /code (\d{6})/.exec(text ?? '')?.[1] ?? '';
const linkOf = (text: string | undefined) =>
  /confirm-request\.html#(P-[0-9A-Z]{8})\.(\d{6})/.exec(text ?? '');

async function activeLicensee() {
  const input = newLicensee();
  const email = String(input.email).toLowerCase();
  await api.call('POST', '/api/licensees', { body: input });
  const confirm = await api.call('POST', '/api/licensees/confirm', {
    body: { email, code: await api.latestCode(email) },
  });
  return { email, name: String(input.name), token: confirm.body.token as string };
}

const secrets: string[] = [];

describe('end to end on the local stack', () => {
  it('SMTP in → confirmation mail → confirm → opt-out applied and confirmed by mail', async () => {
    const { email, name, token } = await activeLicensee();
    secrets.push(email, name);
    // DMARC fails (e.g. a forwarding provider): the opt-out waits for the code sent to the address on record.
    await smtp.deliver({
      from: `"${name}" <${email}>`,
      to: 'info@zorgsom.nl',
      subject: 'Afmelden nieuwsbrief',
      text: 'Graag geen reclame meer. Groet, Bram Logtest-Smtp',
      headers: { 'X-Test-Verdict-Dmarc': 'FAIL' },
    });
    secrets.push('Bram Logtest-Smtp');
    const confirmation = (await api.mailsTo(email)).at(-1);
    expect(confirmation?.subject).toMatch(/^Bevestig uw privacyverzoek P-/);
    expect((await api.call('GET', '/api/me', { token })).body.marketingOptOut).toBe(false);

    const [, reference, code] = linkOf(confirmation?.text) ?? [];
    secrets.push(code!);
    const confirmed = await api.call('POST', '/api/privacy-requests/confirm', { body: { reference, code } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({
      reference,
      type: 'marketing-opt-out',
      channel: 'email',
      status: 'completed',
    });

    expect((await api.call('GET', '/api/me', { token })).body.marketingOptOut).toBe(true);
    expect((await api.mailsTo(email)).at(-1)?.subject).toMatch(/^Afgemeld voor informatie \(P-/);
    const mine = await api.call('GET', '/api/me/privacy-requests', { token });
    expect(mine.body.requests).toHaveLength(1);
    expect(mine.body.requests[0]).toMatchObject({ reference, status: 'completed' });
  });

  it('SMTP in → confirm → the overview is available in the portal, and the mail says so without personal data', async () => {
    const { email, name, token } = await activeLicensee();
    secrets.push(email, name);
    await smtp.deliver({
      from: email,
      to: 'info@zorgsom.nl',
      subject: 'Re: Privacy',
      html: '<p>Ik wil graag <b>inzage</b> in mijn gegevens.</p>',
    });
    const confirmation = (await api.mailsTo(email)).at(-1);
    const [, reference, code] = linkOf(confirmation?.text) ?? [];
    const wrong = await api.call('POST', '/api/privacy-requests/confirm', {
      body: { reference, code: '000000' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('invalid-code');
    const confirmed = await api.call('POST', '/api/privacy-requests/confirm', { body: { reference, code } });
    expect(confirmed.body).toMatchObject({ type: 'overview', status: 'completed' });

    const final = (await api.mailsTo(email)).at(-1);
    expect(final?.subject).toMatch(/^Uw overzicht staat klaar/);
    expect(final?.text).toContain(api.env.PORTAL_URL);
    expect(final?.text).not.toContain(email);
    expect(final?.text).not.toContain('Keizersgracht');

    const exported = await api.call('GET', '/api/me/export', { token });
    expect(exported.status).toBe(200);
    expect(exported.body.privacyRequests).toHaveLength(1);
    expect(exported.body.privacyRequests[0]).toMatchObject({
      reference,
      type: 'overview',
      status: 'completed',
    });
    // The overview shows the request, never its ciphertext, code hash or raw-mail keys.
    expect(Object.keys(exported.body.privacyRequests[0]).sort()).toEqual(
      ['channel', 'dueAt', 'history', 'receivedAt', 'reference', 'requestId', 'status', 'type'].sort(),
    );
  });
});

describe('web form routes', () => {
  it('signed in: 201 with the request view, proceeding at once; listed under /api/me/privacy-requests', async () => {
    const { email, token } = await activeLicensee();
    secrets.push(email);
    const created = await api.call('POST', '/api/privacy-requests', {
      token,
      body: { type: 'complaint', message: 'Mijn klacht over de nieuwsbrief, Henk Logtest-Web' },
    });
    secrets.push('Henk Logtest-Web');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: 'complaint', channel: 'web', status: 'open' });
    expect(created.body.reference).toMatch(/^P-[0-9A-Z]{8}$/);
    expect(new Date(created.body.dueAt).getTime()).toBeGreaterThan(
      new Date(created.body.receivedAt).getTime(),
    );
    expect((await api.mailsTo(email)).at(-1)?.subject).toMatch(/^Uw klacht is ontvangen/);
    const list = await api.call('GET', '/api/me/privacy-requests', { token });
    expect(list.body.requests.map((r: { requestId: string }) => r.requestId)).toEqual([
      created.body.requestId,
    ]);

    expect((await api.call('POST', '/api/privacy-requests', { body: { type: 'overview' } })).status).toBe(
      401,
    );
    expect(
      (await api.call('POST', '/api/privacy-requests', { token, body: { type: 'overview', extra: 1 } }))
        .status,
    ).toBe(400);
    const bsn = await api.call('POST', '/api/privacy-requests', {
      token,
      body: { type: 'question', message: 'BSN 123456782' },
    });
    expect(bsn.status).toBe(422);
    expect(
      (
        await api.call('POST', '/api/privacy-requests', {
          token,
          body: { type: 'question', message: 'x'.repeat(5001) },
        })
      ).status,
    ).toBe(400);
  });

  it('by email: always 202; the registered owner gets a code, a stranger a neutral mail', async () => {
    const { email, token } = await activeLicensee();
    secrets.push(email);
    const stranger = `niet.geregistreerd.${Date.now()}@example.org`;
    secrets.push(stranger);
    const known = await api.call('POST', '/api/privacy-requests/by-email', {
      body: { email: email.toUpperCase(), type: 'deletion' },
    });
    const unknown = await api.call('POST', '/api/privacy-requests/by-email', {
      body: { email: stranger, type: 'deletion' },
    });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(known.body).toEqual({ status: 'confirmation-sent' });
    expect(unknown.body).toEqual(known.body);

    expect((await api.mailsTo(stranger)).map((m) => m.subject)).toEqual([
      'Uw privacyverzoek / Your privacy request',
    ]);
    const confirmation = (await api.mailsTo(email)).at(-1);
    expect(confirmation?.subject).toMatch(/^Bevestig uw privacyverzoek/);
    const [, reference, code] = linkOf(confirmation?.text) ?? [];
    expect(codeOf(confirmation?.text)).toBe(code);
    const confirmed = await api.call('POST', '/api/privacy-requests/confirm', { body: { reference, code } });
    expect(confirmed.body).toMatchObject({
      type: 'deletion',
      channel: 'web',
      status: 'awaiting-staff-approval',
    });
    const list = await api.call('GET', '/api/me/privacy-requests', { token });
    expect(list.body.requests[0].history.map((h: { status: string }) => h.status)).toEqual([
      'awaiting-confirmation',
      'open',
      'awaiting-staff-approval',
    ]);
    // A second, unregistered try within the day sends nothing more to the stranger.
    await api.call('POST', '/api/privacy-requests/by-email', { body: { email: stranger, type: 'overview' } });
    expect(await api.mailsTo(stranger)).toHaveLength(1);
  });

  it('logs carry ids and outcomes, never a personal value', () => {
    const logs = captured.join('');
    expect(logs).toContain('"message":"mail handled"');
    expect(logs).toContain('"outcome":"request-marketing-opt-out"');
    for (const secret of secrets) expect(logs.toLowerCase()).not.toContain(secret.toLowerCase());
    for (const word of ['Graag geen reclame', 'inzage in mijn gegevens', '123456782'])
      expect(logs).not.toContain(word);
  });
});
