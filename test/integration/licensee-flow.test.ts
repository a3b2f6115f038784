import { describe, expect, it } from 'vitest';
import { newLicensee, useLocalApi } from '../support/local-api.js';

const api = useLocalApi();

async function registeredLicensee(overrides: Record<string, unknown> = {}) {
  const input = newLicensee(overrides);
  const email = String(input.email).toLowerCase();
  const signup = await api.call('POST', '/api/licensees', { body: input });
  expect(signup.status).toBe(202);
  const confirm = await api.call('POST', '/api/licensees/confirm', {
    body: { email, code: await api.latestCode(email) },
  });
  expect(confirm.status).toBe(200);
  return { input, email, token: confirm.body.token as string };
}

describe('a licensee looks after their own data', () => {
  it('signs up, confirms, signs in, reads, corrects, exports and opts out', async () => {
    const { input, email, token: signupToken } = await registeredLicensee();

    const me = await api.call('GET', '/api/me', { token: signupToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      status: 'active',
      marketingOptOut: false,
      personalData: {
        name: input.name,
        email,
        iban: 'NL91ABNA0417164300',
        address: {
          street: 'Keizersgracht',
          // Sent as a separate addition "A": stored the BAG way, as the huisletter.
          houseNumber: '123',
          houseLetter: 'A',
          postcode: '1015 CJ',
          city: 'Amsterdam',
          country: 'NL',
        },
      },
    });
    expect(me.body.licence.startedAt).toMatch(/^\d{4}-/);

    expect((await api.call('POST', '/api/sign-out', { token: signupToken })).status).toBe(204);
    expect((await api.call('GET', '/api/me', { token: signupToken })).status).toBe(401);

    expect((await api.call('POST', '/api/sign-in/code', { body: { email } })).status).toBe(202);
    const signIn = await api.call('POST', '/api/sign-in', {
      body: { email, code: await api.latestCode(email) },
    });
    expect(signIn.status).toBe(200);
    const token = signIn.body.token as string;

    const corrected = await api.call('PATCH', '/api/me', {
      token,
      body: { address: { street: 'Prinsengracht', houseNumber: '7', postcode: '1016hd', city: 'Amsterdam' } },
    });
    expect(corrected.status).toBe(200);
    expect(corrected.body.personalData.address).toEqual({
      street: 'Prinsengracht',
      houseNumber: '7',
      postcode: '1016 HD',
      city: 'Amsterdam',
      country: 'NL',
    });

    const exported = await api.call('GET', '/api/me/export', { token });
    expect(exported.status).toBe(200);
    expect(exported.body.profile.personalData.address.street).toBe('Prinsengracht');
    expect(exported.body.retention).toEqual({
      rule: expect.stringContaining('24 months'),
      destroyedBy: null,
    });
    expect(exported.body.privacyRequests).toEqual([]);
    expect(exported.body.disclosures).toEqual([]);
    expect(exported.body.$schema).toMatch(/\/api\/export-schema$/);
    const schema = await api.call('GET', '/api/export-schema');
    expect(schema.status).toBe(200);
    expect(schema.body.properties).toHaveProperty('profile');

    const optOut = await api.call('PUT', '/api/me/marketing', { token, body: { optOut: true } });
    expect(optOut.status).toBe(200);
    expect(optOut.body.marketingOptOut).toBe(true);
    expect((await api.call('GET', '/api/me', { token })).body.marketingOptOut).toBe(true);
    expect((await api.mailsTo(email)).map((mail) => mail.subject)).toContain('Afgemeld voor informatie');
  });

  it('changes the email address only after the new address confirms it', async () => {
    const { token, email } = await registeredLicensee();
    const newEmail = `nieuw.${Date.now()}@example.nl`;
    const patched = await api.call('PATCH', '/api/me', { token, body: { email: newEmail } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ emailChangePending: true, personalData: { email } });

    const wrong = await api.call('POST', '/api/me/email/confirm', { token, body: { code: '000000' } });
    expect(wrong.status).toBe(400);
    const confirmed = await api.call('POST', '/api/me/email/confirm', {
      token,
      body: { code: await api.latestCode(newEmail) },
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ emailChangePending: false, personalData: { email: newEmail } });

    // The old address no longer signs in; the new one does.
    await api.call('POST', '/api/sign-in/code', { body: { email } });
    await api.call('POST', '/api/sign-in/code', { body: { email: newEmail } });
    const mailsToOld = await api.mailsTo(email);
    expect(mailsToOld.some((mail) => mail.subject.startsWith('Uw inlogcode'))).toBe(false);
    const signIn = await api.call('POST', '/api/sign-in', {
      body: { email: newEmail, code: await api.latestCode(newEmail) },
    });
    expect(signIn.status).toBe(200);
  });

  it('answers a signup for a registered address exactly like a new one, and tells the owner', async () => {
    const { input, email } = await registeredLicensee();
    const again = await api.call('POST', '/api/licensees', { body: { ...input, name: 'Iemand Anders' } });
    const fresh = await api.call('POST', '/api/licensees', { body: newLicensee() });
    expect(again.status).toBe(fresh.status);
    expect(again.body).toEqual(fresh.body);
    const subjects = (await api.mailsTo(email)).map((mail) => mail.subject);
    expect(subjects).toContain('Aanmelding met uw e-mailadres');
  });

  it('answers a sign-in code request for an unknown address like a known one', async () => {
    const known = await registeredLicensee();
    const unknown = await api.call('POST', '/api/sign-in/code', { body: { email: 'niemand@example.nl' } });
    const registered = await api.call('POST', '/api/sign-in/code', { body: { email: known.email } });
    expect(unknown.status).toBe(registered.status);
    expect(unknown.body).toEqual(registered.body);
    // Both get exactly one mail: the licensee a code, the stranger a note without one.
    const toStranger = await api.mailsTo('niemand@example.nl');
    expect(toStranger).toHaveLength(1);
    expect(toStranger[0]?.text).not.toMatch(/\b\d{6}\b/);
    expect(await api.mailsTo(known.email)).toHaveLength(2);
  });
});

describe('codes', () => {
  it('refuses a wrong code, and after five wrong attempts even the right one', async () => {
    const { email } = await registeredLicensee();
    await api.call('POST', '/api/sign-in/code', { body: { email } });
    const code = await api.latestCode(email);
    const wrongCode = code === '123456' ? '654321' : '123456';
    for (let attempt = 0; attempt < 5; attempt++) {
      const wrong = await api.call('POST', '/api/sign-in', { body: { email, code: wrongCode } });
      expect(wrong.status).toBe(400);
      expect(wrong.body.code).toBe('invalid-code');
    }
    expect((await api.call('POST', '/api/sign-in', { body: { email, code } })).status).toBe(400);
  });

  it('signup confirmation: every wrong code is saved as spent; after five even the right one fails', async () => {
    const input = newLicensee();
    const email = String(input.email).toLowerCase();
    await api.call('POST', '/api/licensees', { body: input });
    const code = await api.latestCode(email);
    const wrongCode = code === '123456' ? '654321' : '123456';
    for (let attempt = 0; attempt < 5; attempt++) {
      const wrong = await api.call('POST', '/api/licensees/confirm', { body: { email, code: wrongCode } });
      expect(wrong.status).toBe(400);
      expect(wrong.body.code).toBe('invalid-code');
    }
    const right = await api.call('POST', '/api/licensees/confirm', { body: { email, code } });
    expect(right.status).toBe(400);
    expect(right.body.code).toBe('invalid-code');
  });

  it('email change confirmation: every wrong code is saved as spent; after five even the right one fails', async () => {
    const { token } = await registeredLicensee();
    const newEmail = String(newLicensee().email).toLowerCase();
    expect((await api.call('PATCH', '/api/me', { token, body: { email: newEmail } })).status).toBe(200);
    const code = await api.latestCode(newEmail);
    const wrongCode = code === '123456' ? '654321' : '123456';
    for (let attempt = 0; attempt < 5; attempt++) {
      const wrong = await api.call('POST', '/api/me/email/confirm', { token, body: { code: wrongCode } });
      expect(wrong.status).toBe(400);
    }
    expect((await api.call('POST', '/api/me/email/confirm', { token, body: { code } })).status).toBe(400);
    expect((await api.call('GET', '/api/me', { token })).body.emailChangePending).toBe(true);
  });

  it('privacy request confirmation: every wrong code is saved as spent; after five even the right one fails', async () => {
    const { email } = await registeredLicensee();
    expect(
      (await api.call('POST', '/api/privacy-requests/by-email', { body: { email, type: 'overview' } }))
        .status,
    ).toBe(202);
    const text = (await api.mailsTo(email)).at(-1)?.text ?? '';
    const reference = /P-[0-9A-Z]{8}/.exec(text)?.[0];
    expect(reference).toBeDefined();
    const code = await api.latestCode(email);
    const wrongCode = code === '123456' ? '654321' : '123456';
    for (let attempt = 0; attempt < 5; attempt++) {
      const wrong = await api.call('POST', '/api/privacy-requests/confirm', {
        body: { reference, code: wrongCode },
      });
      expect(wrong.status).toBe(400);
    }
    const right = await api.call('POST', '/api/privacy-requests/confirm', { body: { reference, code } });
    expect(right.status).toBe(400);
  });

  it('rate-limits code mails per address', async () => {
    const { email } = await registeredLicensee();
    for (let request = 0; request < 8; request++) {
      expect((await api.call('POST', '/api/sign-in/code', { body: { email } })).status).toBe(202);
    }
    const codeMails = (await api.mailsTo(email)).filter((mail) => mail.subject.startsWith('Uw inlogcode'));
    expect(codeMails).toHaveLength(5);
  });

  it('does not activate a signup with a wrong confirmation code', async () => {
    const input = newLicensee();
    const email = String(input.email).toLowerCase();
    await api.call('POST', '/api/licensees', { body: input });
    const wrong = await api.call('POST', '/api/licensees/confirm', { body: { email, code: '999999' } });
    expect(wrong.status).toBe(400);
    await api.call('POST', '/api/sign-in/code', { body: { email } });
    expect((await api.mailsTo(email)).some((mail) => mail.subject.startsWith('Uw inlogcode'))).toBe(false);
  });
});

describe('isolation between licensees', () => {
  it('never lets licensee A read B, whatever A does with the token', async () => {
    const a = await registeredLicensee();
    const b = await registeredLicensee();
    const meB = await api.call('GET', '/api/me', { token: b.token });
    const bId = meB.body.licenseeId as string;

    const [, secretA] = a.token.split('.');
    const forged = await api.call('GET', '/api/me', { token: `${bId}.${secretA}` });
    expect(forged.status).toBe(401);
    expect(JSON.stringify(forged.body)).not.toContain(b.email);

    const meA = await api.call('GET', '/api/me', { token: a.token });
    expect(meA.body.personalData.email).toBe(a.email);
    const exportA = await api.call('GET', '/api/me/export', { token: a.token });
    expect(JSON.stringify(exportA.body)).not.toContain(b.email);
  });

  it('refuses missing, malformed and unknown tokens', async () => {
    for (const token of [undefined, 'nonsense', `01ARZ3NDEKTSV4RRFFQ69G5FAV.${'A'.repeat(43)}`]) {
      const response = await api.call('GET', '/api/me', { token });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
  });
});

describe('input the system refuses', () => {
  it('names unknown fields without echoing values', async () => {
    const response = await api.call('POST', '/api/licensees', {
      body: { ...newLicensee(), phone: '0612345678' },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toContainEqual(
      expect.objectContaining({ field: 'phone', code: 'unknown-field' }),
    );
    expect(JSON.stringify(response.body)).not.toContain('0612345678');
  });

  it('refuses a BSN anywhere with 422 and an explanation in Dutch and English', async () => {
    const response = await api.call('POST', '/api/licensees', {
      body: newLicensee({ name: 'Praktijk 111222333' }),
    });
    expect(response.status).toBe(422);
    expect(response.body.errors).toContainEqual(
      expect.objectContaining({ field: 'name', code: 'patient-data' }),
    );
    expect(response.body.message.nl).toMatch(/patiënt/i);
    expect(response.body.message.en).toMatch(/patient/i);
    expect(JSON.stringify(response.body)).not.toContain('111222333');
  });

  it('reports invalid IBAN and postcode per field, and bad JSON as a problem', async () => {
    const input = newLicensee({ iban: 'NL91ABNA0417164301' });
    (input.address as Record<string, string>).postcode = '0123 AB';
    const response = await api.call('POST', '/api/licensees', { body: input });
    expect(response.status).toBe(400);
    const fields = response.body.errors.map((error: { field: string }) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['iban', 'address.postcode']));
    expect(JSON.stringify(response.body)).not.toContain('0417164301');

    const badJson = await api.call('POST', '/api/licensees', {
      rawBody: '{"name": ',
      contentType: 'application/json',
    });
    expect(badJson.status).toBe(400);
    expect(badJson.body.code).toBe('invalid-json');
    const notJson = await api.call('POST', '/api/licensees', {
      rawBody: 'name=x',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(notJson.status).toBe(415);
  });
});
