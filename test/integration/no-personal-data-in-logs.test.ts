import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newLicensee, startLocalApi, type LocalApi } from '../support/local-api.js';
import { captureOutput } from '../support/captured-output.js';

let api: LocalApi;
let captured: string[] = [];

beforeAll(async () => {
  api = await startLocalApi({ POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_METRICS_DISABLED: 'false' });
  captured = captureOutput();
});
afterAll(async () => {
  vi.restoreAllMocks();
  await api?.close();
});

describe('logs and metrics', () => {
  it('carry no personal value through a whole self-service flow, including refusals and failures', async () => {
    const input = newLicensee();
    const email = String(input.email).toLowerCase();
    // Each call's status is checked: a refusal or failure that never ran would log nothing to find.
    expect((await api.call('POST', '/api/licensees', { body: input })).status).toBe(202);
    expect(
      (await api.call('POST', '/api/licensees/confirm', { body: { email, code: '000000' } })).status,
    ).toBe(400);
    const confirm = await api.call('POST', '/api/licensees/confirm', {
      body: { email, code: await api.latestCode(email) },
    });
    expect(confirm.status).toBe(200);
    const token = confirm.body.token as string;
    const statuses = [
      (await api.call('GET', '/api/me', { token })).status,
      (
        await api.call('PATCH', '/api/me', {
          token,
          body: { name: 'Bram Jansen-Logtest', iban: 'BE68 5390 0754 7034' },
        })
      ).status,
      (await api.call('PATCH', '/api/me', { token, body: { iban: 'BE68 5390 0754 7035' } })).status,
      (await api.call('PATCH', '/api/me', { token, body: { name: 'BSN 123456782' } })).status,
      (await api.call('PATCH', '/api/me', { token, body: { email: 'Nieuw.Logtest@example.nl' } })).status,
      (await api.call('GET', '/api/me/export', { token })).status,
      (await api.call('PUT', '/api/me/marketing', { token, body: { optOut: true } })).status,
      (await api.call('POST', '/api/sign-in/code', { body: { email } })).status,
      (await api.call('POST', '/api/sign-in', { body: { email, code: '111111' } })).status,
      (await api.call('POST', '/api/sign-out', { token })).status,
    ];
    // ok, ok, invalid IBAN, patient data, ok, ok, ok, always 202, wrong code, signed out.
    expect(statuses).toEqual([200, 200, 400, 422, 200, 200, 200, 202, 400, 204]);

    const logs = captured.join('');
    // The logs are there to be searched: the test fails if logging silently stopped.
    expect(logs).toContain('"message":"request handled"');
    expect(logs).toContain('correlationId');
    expect(logs).toMatch(/"SignupsConfirmed"/);

    const secrets = [
      input.name,
      email,
      'praktijk.',
      'NL91ABNA0417164300',
      '0417164300',
      'Keizersgracht',
      '1015 CJ',
      'Bram Jansen-Logtest',
      'BE68539007547034',
      '539007547035',
      '123456782',
      'nieuw.logtest',
      token.split('.')[1]!,
    ];
    for (const secret of secrets) expect(logs.toLowerCase()).not.toContain(secret.toLowerCase());
  });
});
