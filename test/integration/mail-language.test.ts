import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { registerLicensee } from '../support/licensees.js';
import { useLocalApi } from '../support/local-api.js';

/**
 * The licensee's mail language through the real functions on the emulators: set at signup, changed with
 * PATCH /api/me (strict schema, 50 parallel changes never a 5xx), read as Dutch when a profile predates it, and
 * every mail to the licensee in that language only; bilingual only to an address with no licence.
 */
const api = useLocalApi();

const newest = async (email: string) => (await api.mailsTo(email)).at(-1)!;
const onlyEnglish = (mail: { subject: string; html?: string }) => {
  expect(mail.subject).not.toContain(' / ');
  expect(mail.html).toContain('<html lang="en">');
  expect(mail.html).not.toContain('lang="nl"');
};

describe('the mail language of a licensee', () => {
  it('signed up in English: the confirmation, the profile, a sign-in code and a request outcome are English only', async () => {
    const licensee = await registerLicensee(api, { language: 'en' });
    const signupMails = await api.mailsTo(licensee.email);
    expect(signupMails.map((mail) => mail.subject)).toEqual(['Confirm your registration']);
    onlyEnglish(signupMails[0]!);

    const me = await api.call('GET', '/api/me', { token: licensee.token });
    expect(me.body.language).toBe('en');

    await api.call('POST', '/api/sign-in/code', { body: { email: licensee.email } });
    const code = await newest(licensee.email);
    expect(code.subject).toBe('Your sign-in code');
    onlyEnglish(code);

    const asked = await api.call('POST', '/api/privacy-requests', {
      token: licensee.token,
      body: { type: 'question', message: 'Which data do you keep?' },
    });
    expect(asked.status).toBeLessThan(300);
    const outcome = await newest(licensee.email);
    expect(outcome.subject).toMatch(/^Your question has been received \(/);
    onlyEnglish(outcome);
  });

  it('PATCH /api/me changes it, refuses anything but nl or en, and the next notice follows it', async () => {
    const licensee = await registerLicensee(api, { language: 'en' });
    const wrong = await api.call('PATCH', '/api/me', { token: licensee.token, body: { language: 'de' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([
      expect.objectContaining({ field: 'language', code: 'invalid-language' }),
    ]);
    const extra = await api.call('PATCH', '/api/me', {
      token: licensee.token,
      body: { language: 'nl', mailFormat: 'text' },
    });
    expect(extra.status).toBe(400);

    const changed = await api.call('PATCH', '/api/me', { token: licensee.token, body: { language: 'nl' } });
    expect(changed.status).toBe(200);
    expect(changed.body.language).toBe('nl');
    await api.call('PUT', '/api/me/marketing', { token: licensee.token, body: { optOut: true } });
    const notice = await newest(licensee.email);
    expect(notice.subject).toBe('Afgemeld voor informatie');
    expect(notice.html).toContain('<html lang="nl">');
    expect(notice.text).not.toMatch(/\byou\b/i);
  });

  it('50 parallel changes: every answer 200, no 5xx, and the profile keeps one of the two', async () => {
    const licensee = await registerLicensee(api);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api.call('PATCH', '/api/me', { token: licensee.token, body: { language: i % 2 ? 'en' : 'nl' } }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(statuses.every((status) => status === 200 || status === 409)).toBe(true);
    const me = await api.call('GET', '/api/me', { token: licensee.token });
    expect(['nl', 'en']).toContain(me.body.language);
    expect(me.body.personalData.email).toBe(licensee.email);
  });

  it('a profile stored before the preference reads as Dutch and gets Dutch mail', async () => {
    const licensee = await registerLicensee(api, { language: 'en' });
    await api.dynamodb.send(
      new UpdateItemCommand({
        TableName: api.env.TABLE_NAME,
        Key: marshall({ pk: `LICENSEE#${licensee.licenseeId}`, sk: 'PROFILE' }),
        UpdateExpression: 'REMOVE #language',
        ExpressionAttributeNames: { '#language': 'language' },
      }),
    );
    const me = await api.call('GET', '/api/me', { token: licensee.token });
    expect(me.body.language).toBe('nl');
    await api.call('POST', '/api/sign-in/code', { body: { email: licensee.email } });
    expect((await newest(licensee.email)).subject).toBe('Uw inlogcode');
  });

  it('an address with no licence gets both languages, Dutch first', async () => {
    const stranger = `geen.licentie.${Date.now()}@example.nl`;
    await api.call('POST', '/api/sign-in/code', { body: { email: stranger } });
    const mail = await newest(stranger);
    expect(mail.subject).toBe('Inloggen bij ZorgSom / Signing in to ZorgSom');
    expect(mail.html).toContain('lang="nl"');
    expect(mail.html).toContain('lang="en"');
  });
});
