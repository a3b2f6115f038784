/**
 * Personal data under KMS Encrypt/Decrypt directly (shared/adapters/kms-sealer.ts): KMS enforces the
 * encryption context, one KMS call per encrypt and per decrypt, no plaintext in the stored item, larger
 * payloads as Encryption SDK envelopes, and items of the earlier (Encryption SDK) format still read and
 * rewritten in the new format on the next write.
 */
import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CiphertextContextMismatchError } from '../../shared/adapters/ciphertext-errors.js';
import { createKmsClient } from '../../shared/adapters/kms-client.js';
import { createKmsEnvelope } from '../../shared/adapters/kms-envelope.js';
import {
  createKmsSealer,
  isDirectKmsCiphertext,
  kmsPlaintextLimit,
} from '../../shared/adapters/kms-sealer.js';
import { keys } from '../../shared/adapters/table-definition.js';
import { loadConfig } from '../../shared/config.js';
import { openPii, sealPii } from '../../shared/services/personal-data-vault.js';
import { newLicensee, startLocalApi, type LocalApi } from '../support/local-api.js';

const config = loadConfig(inject('localEnv'));
const calls: string[] = [];
const kms = createKmsClient(config);
kms.middlewareStack.add(
  (next, context) => (args) => {
    calls.push(String(context.commandName).replace(/Command$/, ''));
    return next(args);
  },
  { step: 'initialize', name: 'countKmsCalls' },
);
let envelopeLoads = 0;
const sealer = createKmsSealer({
  kms,
  keyId: config.DATA_KEY_ID,
  envelope: async () => {
    envelopeLoads += 1;
    return createKmsEnvelope({ kms, keyId: config.DATA_KEY_ID, maxCacheAgeMs: 0 });
  },
});
const A = { licenseeId: '01HZZLICENSEEAAAAAAAAAAAAA', purpose: 'licensee-profile' };
const B = { licenseeId: '01HZZLICENSEEBBBBBBBBBBBBB', purpose: 'licensee-profile' };
const utf8 = (text: string) => new TextEncoder().encode(text);
const PLAINTEXT = 'Jantine van der Berg-Öztürk, jantine.vdberg@example.nl, NL91ABNA0417164300';

describe('KMS Encrypt/Decrypt directly', () => {
  it('one KMS call each way, no data key, no Encryption SDK; the stored bytes hold no plaintext', async () => {
    calls.length = 0;
    const stored = await sealer.encrypt(utf8(PLAINTEXT), A);
    expect(isDirectKmsCiphertext(stored)).toBe(true);
    expect(Buffer.from(stored).toString('latin1')).not.toContain('Jantine');
    expect(Buffer.from(stored).toString('latin1')).not.toContain('NL91');
    expect(new TextDecoder().decode(await sealer.decrypt(stored, A))).toBe(PLAINTEXT);
    expect(calls).toEqual(['Encrypt', 'Decrypt']);
    expect(envelopeLoads).toBe(0);
  });

  it('KMS refuses another licensee’s or purpose’s context, and a ciphertext that was tampered with', async () => {
    const stored = await sealer.encrypt(utf8(PLAINTEXT), A);
    calls.length = 0;
    await expect(sealer.decrypt(stored, B)).rejects.toBeInstanceOf(CiphertextContextMismatchError);
    await expect(sealer.decrypt(stored, { ...A, purpose: 'privacy-request' })).rejects.toBeInstanceOf(
      CiphertextContextMismatchError,
    );
    // The refusal came from KMS (each attempt reached it), not from a comparison in this process.
    expect(calls).toEqual(['Decrypt', 'Decrypt']);
    const tampered = Uint8Array.from(stored);
    tampered[tampered.length - 1]! ^= 1;
    await expect(sealer.decrypt(tampered, A)).rejects.toBeInstanceOf(CiphertextContextMismatchError);
    const error = (await sealer.decrypt(stored, B).catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain(A.licenseeId);
  });

  it('a payload over KMS’s 4 KB limit becomes an Encryption SDK envelope (loaded on that path only)', async () => {
    const long = utf8('x'.repeat(kmsPlaintextLimit + 1));
    const stored = await sealer.encrypt(long, A);
    expect(isDirectKmsCiphertext(stored)).toBe(false);
    expect(envelopeLoads).toBe(1);
    expect(await sealer.decrypt(stored, A)).toEqual(long);
    await expect(sealer.decrypt(stored, B)).rejects.toBeInstanceOf(CiphertextContextMismatchError);
    // Exactly at the limit still goes to KMS itself.
    expect(isDirectKmsCiphertext(await sealer.encrypt(utf8('y'.repeat(kmsPlaintextLimit)), A))).toBe(true);
  });
});

describe('migration from the Encryption SDK format (read old, write new)', () => {
  let api: LocalApi;
  beforeAll(async () => {
    api = await startLocalApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  const storedPii = async (licenseeId: string) => {
    const { Item } = await api.dynamodb.send(
      new GetItemCommand({
        TableName: api.env.TABLE_NAME,
        Key: { pk: { S: keys.licensee(licenseeId) }, sk: { S: keys.profile } },
      }),
    );
    return Item!.pii!.B!;
  };

  it('a profile sealed in the old format reads, and the next write stores it in the new one', async () => {
    const input = newLicensee();
    const email = String(input.email).toLowerCase();
    await api.call('POST', '/api/licensees', { body: input });
    const { token } = (
      await api.call('POST', '/api/licensees/confirm', { body: { email, code: await api.latestCode(email) } })
    ).body as { token: string };
    const me = await api.call('GET', '/api/me', { token });
    const licenseeId = me.body.licenseeId as string;
    expect(isDirectKmsCiphertext(await storedPii(licenseeId))).toBe(true);

    // Rewrite the item as the earlier release stored it: the same document, as an Encryption SDK message.
    const document = await openPii(sealer, licenseeId, await storedPii(licenseeId));
    const old = await sealPii(createKmsEnvelope({ kms, keyId: config.DATA_KEY_ID }), licenseeId, document);
    expect(isDirectKmsCiphertext(old)).toBe(false);
    await api.dynamodb.send(
      new UpdateItemCommand({
        TableName: api.env.TABLE_NAME,
        Key: { pk: { S: keys.licensee(licenseeId) }, sk: { S: keys.profile } },
        UpdateExpression: 'SET pii = :old',
        ExpressionAttributeValues: { ':old': { B: old } },
      }),
    );

    const read = await api.call('GET', '/api/me', { token });
    expect(read.status).toBe(200);
    expect(read.body.personalData).toEqual(me.body.personalData);

    const patched = await api.call('PATCH', '/api/me', { token, body: { name: 'Annelies de Vries-Bakker' } });
    expect(patched.status).toBe(200);
    const rewritten = await storedPii(licenseeId);
    expect(isDirectKmsCiphertext(rewritten)).toBe(true);
    expect((await openPii(sealer, licenseeId, rewritten)).data.name).toBe('Annelies de Vries-Bakker');
    // A ciphertext of another licensee's old-format item is still refused.
    await expect(openPii(sealer, '01HZZLICENSEEBBBBBBBBBBBBB', old)).rejects.toBeInstanceOf(
      CiphertextContextMismatchError,
    );
  });
});
