import { GetItemCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '../../shared/adapters/table-definition.js';
import { newLicensee, useLocalApi } from '../support/local-api.js';

const api = useLocalApi();

async function register() {
  const input = newLicensee();
  const email = String(input.email).toLowerCase();
  await api.call('POST', '/api/licensees', { body: input });
  const confirm = await api.call('POST', '/api/licensees/confirm', {
    body: { email, code: await api.latestCode(email) },
  });
  const token = confirm.body.token as string;
  const me = await api.call('GET', '/api/me', { token });
  return {
    input,
    email,
    token,
    licenseeId: me.body.licenseeId as string,
    personalData: me.body.personalData,
  };
}

/** Every byte of the table as text: attribute names, strings, numbers and binaries (both raw and base64). */
async function tableAsText(): Promise<string> {
  const { Items = [] } = await api.dynamodb.send(new ScanCommand({ TableName: api.env.TABLE_NAME }));
  return Items.map((item) =>
    Object.entries(item)
      .map(([name, value]) => {
        const binary = value.B
          ? `${Buffer.from(value.B).toString('latin1')} ${Buffer.from(value.B).toString('base64')}`
          : '';
        return `${name}=${JSON.stringify(value)} ${binary}`;
      })
      .join('\n'),
  ).join('\n');
}

describe('personal data at rest', () => {
  it('stores no personal value in the clear anywhere in the table', async () => {
    const { personalData, licenseeId } = await register();
    const stored = (await tableAsText()).toLowerCase();
    const values = [
      personalData.name,
      personalData.email,
      personalData.email.split('@')[0],
      personalData.iban,
      personalData.iban.slice(4),
      personalData.address.street,
      personalData.address.city,
      personalData.address.postcode,
    ];
    for (const value of values) expect(stored).not.toContain(String(value).toLowerCase());
    // The test can see plaintext when it is there: the licensee id is stored in the clear by design.
    expect(stored).toContain(licenseeId.toLowerCase());
  });

  it('refuses to decrypt a ciphertext moved to another licensee', async () => {
    const a = await register();
    const b = await register();
    const profileOf = (licenseeId: string) => ({
      pk: { S: keys.licensee(licenseeId) },
      sk: { S: keys.profile },
    });
    const { Item } = await api.dynamodb.send(
      new GetItemCommand({ TableName: api.env.TABLE_NAME, Key: profileOf(a.licenseeId) }),
    );
    await api.dynamodb.send(
      new UpdateItemCommand({
        TableName: api.env.TABLE_NAME,
        Key: profileOf(b.licenseeId),
        UpdateExpression: 'SET pii = :stolen',
        ExpressionAttributeValues: { ':stolen': Item!.pii! },
      }),
    );
    const response = await api.call('GET', '/api/me', { token: b.token });
    expect(response.status).toBe(500);
    expect(JSON.stringify(response.body)).not.toContain(a.email);
    // A itself is unaffected.
    expect((await api.call('GET', '/api/me', { token: a.token })).body.personalData.email).toBe(a.email);
  });
});
