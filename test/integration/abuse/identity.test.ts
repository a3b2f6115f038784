import { describe, expect, it, vi } from 'vitest';
import { newLicensee, useLocalApi } from '../../support/local-api.js';
import { registerLicensee } from '../../support/licensees.js';

// 50 requests at once against DynamoDB Local take seconds, more on a loaded machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

/**
 * Issue 9, Build 2: a pending signup cannot be taken over, an email change ends every other session and
 * tells the previous address (with a working "this was not me"), and every other change is told to the
 * address on record.
 */
const api = useLocalApi();

/** Signs in again with a fresh code: a second, independent session. */
async function secondSession(email: string): Promise<string> {
  await api.call('POST', '/api/sign-in/code', { body: { email } });
  const answer = await api.call('POST', '/api/sign-in', {
    body: { email, code: await api.latestCode(email) },
  });
  expect(answer.status).toBe(200);
  return answer.body.token as string;
}

const notMeLinkOf = (text: string | undefined) =>
  /(https?:\/\/\S+\/api\/account\/not-me\?token=[A-Za-z0-9._-]+)/.exec(text ?? '')?.[1];

describe('a pending signup belongs to whoever signed up first', () => {
  it("a second signup does not replace the first data; the re-sent code names the first signup's name and IBAN end", async () => {
    const first = newLicensee();
    const email = String(first.email).toLowerCase();
    await api.call('POST', '/api/licensees', { body: first });
    const attacker = await api.call('POST', '/api/licensees', {
      body: { ...first, name: 'Mallory Aanvaller', iban: 'DE89 3704 0044 0532 0130 00' },
    });
    expect(attacker.status).toBe(202);

    const mails = await api.mailsTo(email);
    expect(mails).toHaveLength(2);
    for (const mail of mails) {
      expect(mail.text).toContain(String(first.name));
      expect(mail.text).toContain('IBAN eindigend op 4300');
      expect(mail.text).not.toContain('Mallory');
      // Never the whole IBAN.
      expect(mail.text).not.toMatch(/NL91\s?ABNA/i);
    }
    const confirm = await api.call('POST', '/api/licensees/confirm', {
      body: { email, code: await api.latestCode(email) },
    });
    expect(confirm.status).toBe(200);
    const me = await api.call('GET', '/api/me', { token: confirm.body.token });
    expect(me.body.personalData).toMatchObject({ name: first.name, iban: 'NL91ABNA0417164300' });
  });
});

describe('an email change', () => {
  it('ends every other session, keeps this one, and tells the previous address with a "this was not me" link', async () => {
    const { email, token } = await registerLicensee(api);
    const other = await secondSession(email);
    const newEmail = `verhuisd.${Date.now()}@example.nl`;
    await api.call('PATCH', '/api/me', { token, body: { email: newEmail } });
    const confirmed = await api.call('POST', '/api/me/email/confirm', {
      token,
      body: { code: await api.latestCode(newEmail) },
    });
    expect(confirmed.status).toBe(200);

    expect((await api.call('GET', '/api/me', { token })).status).toBe(200);
    expect((await api.call('GET', '/api/me', { token: other })).status).toBe(401);

    const notice = (await api.mailsTo(email)).at(-1);
    expect(notice?.subject).toBe('Uw e-mailadres is gewijzigd');
    expect(notice?.text).not.toContain(newEmail);
    expect(notMeLinkOf(notice?.text)).toBeDefined();
  });

  it('"this was not me": the GET only shows a button; the POST ends every session and opens a request for staff', async () => {
    const { email, token, licenseeId } = await registerLicensee(api);
    const newEmail = `overgenomen.${Date.now()}@example.nl`;
    await api.call('PATCH', '/api/me', { token, body: { email: newEmail } });
    await api.call('POST', '/api/me/email/confirm', {
      token,
      body: { code: await api.latestCode(newEmail) },
    });
    const link = new URL(notMeLinkOf((await api.mailsTo(email)).at(-1)?.text)!);
    const path = `${link.pathname}${link.search}`;

    const page = await fetch(`${api.url}${path}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    expect((await api.call('GET', '/api/me', { token })).status).toBe(200);

    const reported = await fetch(`${api.url}${path}`, { method: 'POST' });
    expect(reported.status).toBe(200);
    expect((await api.call('GET', '/api/me', { token })).status).toBe(401);
    // A repeat of the same link opens no second request.
    expect((await fetch(`${api.url}${path}`, { method: 'POST' })).status).toBe(200);

    const requests = await api.staff('POST', '/api/admin/requests/list', {});
    const mine = (requests.body.requests as { licenseeId?: string; type: string; status: string }[]).filter(
      (request) => request.licenseeId === licenseeId,
    );
    expect(mine).toEqual([expect.objectContaining({ type: 'complaint', status: 'open' })]);
  });

  it('a forged or altered "this was not me" link is refused and ends nothing', async () => {
    const { token, licenseeId } = await registerLicensee(api);
    for (const forged of [`${licenseeId}.1700000000.AAAA`, 'x', `${licenseeId}..`, '']) {
      const answer = await fetch(`${api.url}/api/account/not-me?token=${encodeURIComponent(forged)}`, {
        method: 'POST',
      });
      expect(answer.status).toBe(400);
    }
    expect((await api.call('GET', '/api/me', { token })).status).toBe(200);
  });
});

describe('changes of name, address and IBAN', () => {
  it('are told to the address on record, naming the kinds of data changed but no value', async () => {
    const { email, token } = await registerLicensee(api);
    const before = (await api.mailsTo(email)).length;
    const patch = await api.call('PATCH', '/api/me', {
      token,
      body: { name: 'Nieuwe Naam', iban: 'DE89 3704 0044 0532 0130 00' },
    });
    expect(patch.status).toBe(200);
    const mails = await api.mailsTo(email);
    expect(mails).toHaveLength(before + 1);
    const notice = mails.at(-1);
    expect(notice?.subject).toBe('Uw gegevens zijn gewijzigd');
    expect(notice?.text).toContain('naam, IBAN');
    expect(notice?.text).not.toContain('Nieuwe Naam');
    expect(notice?.text).not.toContain('DE89');
  });
});

describe('names and free text refuse characters that make text look other than it is', () => {
  it.each([
    ['a right-to-left override', 'Annelies\u202Eseilenna'],
    ['a zero-width space', 'Anne\u200Blies'],
    ['a zero-width joiner', 'Anne\u200Dlies'],
    ['a byte-order mark inside', 'Anne\uFEFFlies'],
    ['an unpaired surrogate', 'Anne\uD800lies'],
  ])('%s in a name is a field error', async (_what, name) => {
    const answer = await api.call('POST', '/api/licensees', { body: newLicensee({ name }) });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ field: 'name', code: 'invalid-characters' }),
    ]);
  });

  it('a bidi override in a request message and in a street is a field error', async () => {
    const { token } = await registerLicensee(api);
    const request = await api.call('POST', '/api/privacy-requests', {
      token,
      body: { type: 'question', message: 'Hallo \u202Ewereld' },
    });
    expect(request.status).toBe(400);
    expect(request.body.errors).toEqual([
      expect.objectContaining({ field: 'message', code: 'invalid-characters' }),
    ]);
    const street = await api.call('PATCH', '/api/me', {
      token,
      body: {
        address: { street: 'Kerk\u2066straat', houseNumber: '1', postcode: '1011 AA', city: 'Amsterdam' },
      },
    });
    expect(street.status).toBe(400);
    expect(street.body.errors).toEqual([
      expect.objectContaining({ field: 'address.street', code: 'invalid-characters' }),
    ]);
  });

  it('ordinary accents, Arabic and emoji still pass', async () => {
    const answer = await api.call('POST', '/api/licensees', {
      body: newLicensee({ name: 'Zoë Çelik-ʿAbd al-Raḥmān عبد 😀' }),
    });
    expect(answer.status).toBe(202);
  });
});
