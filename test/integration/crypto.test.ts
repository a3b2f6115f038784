import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  KMSClient,
  VerifyMacCommand,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKmsServer } from '../../local/kms-server.js';
import { createKmsBlindIndex } from '../../shared/adapters/kms-blind-index.js';
import { createKmsClient } from '../../shared/adapters/kms-client.js';
import { CiphertextContextMismatchError, createKmsEnvelope } from '../../shared/adapters/kms-envelope.js';

const DATA_KEY = 'arn:aws:kms:eu-west-1:000000000000:key/local-data-key';
const HMAC_KEY = 'arn:aws:kms:eu-west-1:000000000000:key/local-hmac-key';
const OTHER_HMAC_KEY = 'arn:aws:kms:eu-west-1:000000000000:key/other-hmac-key';
const A = { licenseeId: '01HZZLICENSEEAAAAAAAAAAAAA', purpose: 'licensee-profile' };
const B = { licenseeId: '01HZZLICENSEEBBBBBBBBBBBBB', purpose: 'licensee-profile' };
const PLAINTEXT = 'Jantine van der Berg-Öztürk, jantine.vdberg@example.nl, NL91ABNA0417164300, Kerkstraat 12';
const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

let dir: string;
let keyFile: string;
let server: Awaited<ReturnType<typeof startKmsServer>>;
let kms: KMSClient;
const calls: string[] = [];

function clientFor(endpoint: string): KMSClient {
  const client = createKmsClient({ AWS_REGION: 'eu-west-1', KMS_ENDPOINT: endpoint });
  client.middlewareStack.add(
    (next, context) => (args) => {
      calls.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countKmsCalls' },
  );
  return client;
}

function countCalls<T>(fn: () => Promise<T>): Promise<{ result: T; byCommand: Record<string, number> }> {
  const start = calls.length;
  return fn().then((result) => {
    const byCommand: Record<string, number> = {};
    for (const name of calls.slice(start)) byCommand[name] = (byCommand[name] ?? 0) + 1;
    return { result, byCommand };
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kms-test-'));
  keyFile = join(dir, 'nested', 'kms-master.key');
  server = await startKmsServer({ port: 0, keyFile });
  kms = clientFor(server.endpoint);
});

afterAll(async () => {
  kms?.destroy();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('kms-server', () => {
  it('creates the key file with mode 0600', async () => {
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
  });

  it('answers an unknown operation with UnknownOperationException', async () => {
    const response = await fetch(server.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'TrentService.CreateKey', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('binds the encryption context as AAD and returns the key ARN', async () => {
    const context = { licenseeId: A.licenseeId };
    const { CiphertextBlob } = await kms.send(
      new EncryptCommand({ KeyId: 'local-data-key', Plaintext: utf8('secret'), EncryptionContext: context }),
    );
    const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context }));
    expect(text(decrypted.Plaintext!)).toBe('secret');
    expect(decrypted.KeyId).toBe(DATA_KEY);
    await expect(
      kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { licenseeId: B.licenseeId } })),
    ).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    await expect(kms.send(new DecryptCommand({ CiphertextBlob }))).rejects.toMatchObject({
      name: 'InvalidCiphertextException',
    });
    const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: DATA_KEY }));
    expect(KeyMetadata).toMatchObject({ Arn: DATA_KEY, KeyId: 'local-data-key', Enabled: true });
  });
});

describe('KMS envelope', () => {
  it('round-trips and keeps no plaintext in the ciphertext', async () => {
    const envelope = createKmsEnvelope({ kms, keyId: DATA_KEY });
    const ciphertext = await envelope.encrypt(utf8(PLAINTEXT), A);
    const raw = Buffer.from(ciphertext);
    for (const fragment of ['Jantine', 'vdberg', 'example.nl', 'NL91ABNA', '0417164300', 'Kerkstraat']) {
      expect(raw.includes(Buffer.from(fragment, 'utf8'))).toBe(false);
      expect(raw.toString('latin1').toLowerCase()).not.toContain(fragment.toLowerCase());
    }
    expect(text(await envelope.decrypt(ciphertext, A))).toBe(PLAINTEXT);
  });

  it('refuses a ciphertext made for another licensee or another purpose', async () => {
    const envelope = createKmsEnvelope({ kms, keyId: DATA_KEY });
    const ciphertext = await envelope.encrypt(utf8(PLAINTEXT), A);
    const asB = envelope.decrypt(ciphertext, B);
    await expect(asB).rejects.toBeInstanceOf(CiphertextContextMismatchError);
    await expect(asB).rejects.toThrow(/^ciphertext does not belong to this record$/);
    await expect(envelope.decrypt(ciphertext, { ...A, purpose: 'bank-account' })).rejects.toBeInstanceOf(
      CiphertextContextMismatchError,
    );
    const error = (await envelope.decrypt(ciphertext, B).catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain(A.licenseeId);
    expect(error.message).not.toContain(B.licenseeId);
    expect(error.message).not.toContain('Jantine');
  });

  it('refuses a tampered ciphertext', async () => {
    const envelope = createKmsEnvelope({ kms, keyId: DATA_KEY, maxCacheAgeMs: 0 });
    const ciphertext = await envelope.encrypt(utf8(PLAINTEXT), A);
    for (const position of [ciphertext.length - 40, ciphertext.length - 1, 60]) {
      const tampered = Uint8Array.from(ciphertext);
      tampered[position] = (tampered[position] ?? 0) ^ 0x01;
      await expect(envelope.decrypt(tampered, A)).rejects.toThrow();
    }
    await expect(envelope.decrypt(ciphertext.subarray(0, ciphertext.length - 5), A)).rejects.toThrow();
  });

  it('refuses a ciphertext made under another KMS key', async () => {
    const other = createKmsEnvelope({ kms, keyId: 'arn:aws:kms:eu-west-1:000000000000:key/other-data-key' });
    const ciphertext = await other.encrypt(utf8(PLAINTEXT), A);
    await expect(createKmsEnvelope({ kms, keyId: DATA_KEY }).decrypt(ciphertext, A)).rejects.toThrow();
  });

  it('rejects a key id that is not a key ARN', () => {
    expect(() => createKmsEnvelope({ kms, keyId: 'alias/data' })).toThrow(/ARN/);
  });

  it('still decrypts after the KMS server restarts with the same key file', async () => {
    const ciphertext = await createKmsEnvelope({ kms, keyId: DATA_KEY }).encrypt(utf8(PLAINTEXT), A);
    const restarted = await startKmsServer({ port: 0, keyFile });
    const client = clientFor(restarted.endpoint);
    try {
      const fresh = createKmsEnvelope({ kms: client, keyId: DATA_KEY });
      expect(text(await fresh.decrypt(ciphertext, A))).toBe(PLAINTEXT);
    } finally {
      client.destroy();
      await restarted.close();
    }
  });

  it('counts KMS calls: 50 encrypts and their decrypts', async () => {
    const cached = createKmsEnvelope({ kms, keyId: DATA_KEY });
    const sameLicensee = await countCalls(async () => {
      const out: Uint8Array[] = [];
      for (let i = 0; i < 50; i++) out.push(await cached.encrypt(utf8(`${PLAINTEXT} #${i}`), A));
      return out;
    });
    const concurrent = await countCalls(() =>
      Promise.all(Array.from({ length: 50 }, (_, i) => cached.encrypt(utf8(`${PLAINTEXT} #${i}`), B))),
    );
    const manyLicensees = await countCalls(async () => {
      const out: Uint8Array[] = [];
      for (let i = 0; i < 50; i++)
        out.push(await cached.encrypt(utf8(PLAINTEXT), { ...A, licenseeId: `licensee-${i}` }));
      return out;
    });
    const uncached = createKmsEnvelope({ kms, keyId: DATA_KEY, maxCacheAgeMs: 0 });
    const noCache = await countCalls(async () => {
      for (let i = 0; i < 50; i++) await uncached.encrypt(utf8(PLAINTEXT), A);
    });

    const freshDecryptor = createKmsEnvelope({ kms, keyId: DATA_KEY });
    const oneDecrypt = await countCalls(() => freshDecryptor.decrypt(sameLicensee.result[0]!, A));
    const fiftyDecrypts = await countCalls(async () => {
      for (const c of sameLicensee.result) await freshDecryptor.decrypt(c, A);
    });
    const uncachedDecrypts = await countCalls(async () => {
      for (const c of sameLicensee.result.slice(0, 10)) await uncached.decrypt(c, A);
    });

    console.info('KMS calls', {
      '50 encrypts, one licensee, cache': sameLicensee.byCommand,
      '50 concurrent encrypts (Promise.all), one licensee, cache': concurrent.byCommand,
      '50 encrypts, 50 licensees, cache': manyLicensees.byCommand,
      '50 encrypts, no cache': noCache.byCommand,
      '1 decrypt, cache (cold)': oneDecrypt.byCommand,
      '50 decrypts sharing a data key, cache (after the first)': fiftyDecrypts.byCommand,
      '10 decrypts, no cache': uncachedDecrypts.byCommand,
    });
    expect(sameLicensee.byCommand).toEqual({ GenerateDataKeyCommand: 1 });
    expect(concurrent.byCommand).toEqual({ GenerateDataKeyCommand: 1 });
    expect(manyLicensees.byCommand).toEqual({ GenerateDataKeyCommand: 50 });
    expect(noCache.byCommand).toEqual({ GenerateDataKeyCommand: 50 });
    expect(oneDecrypt.byCommand).toEqual({ DecryptCommand: 1 });
    expect(fiftyDecrypts.byCommand).toEqual({});
    expect(uncachedDecrypts.byCommand).toEqual({ DecryptCommand: 10 });
  });
});

describe('KMS blind index', () => {
  it('is deterministic per address and differs between addresses and keys', async () => {
    const index = createKmsBlindIndex({ kms, keyId: HMAC_KEY });
    const again = createKmsBlindIndex({ kms, keyId: HMAC_KEY });
    const otherKey = createKmsBlindIndex({ kms, keyId: OTHER_HMAC_KEY });
    const token = await index.of('jantine.vdberg@example.nl');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await again.of('jantine.vdberg@example.nl')).toBe(token);
    expect(await index.of('jantine.vdberg@example.com')).not.toBe(token);
    expect(await otherKey.of('jantine.vdberg@example.nl')).not.toBe(token);
  });

  it('caches per container: the same address costs one GenerateMac', async () => {
    const index = createKmsBlindIndex({ kms, keyId: HMAC_KEY });
    const { byCommand } = await countCalls(async () => {
      await Promise.all([index.of('a@example.nl'), index.of('a@example.nl')]);
      await index.of('a@example.nl');
      await index.of('b@example.nl');
    });
    expect(byCommand).toEqual({ GenerateMacCommand: 2 });
  });

  // 501 KMS calls one after another: slow on a busy machine, so a long timeout (this is no timing claim).
  it('stays bounded to 500 addresses', async () => {
    const index = createKmsBlindIndex({ kms, keyId: HMAC_KEY });
    await index.of('first@example.nl');
    for (let i = 0; i < 500; i++) await index.of(`user${i}@example.nl`);
    const { byCommand } = await countCalls(() => index.of('first@example.nl'));
    expect(byCommand).toEqual({ GenerateMacCommand: 1 });
  }, 120_000);

  it('produces a MAC that KMS VerifyMac accepts over the domain-separated message', async () => {
    const token = await createKmsBlindIndex({ kms, keyId: HMAC_KEY }).of('jantine.vdberg@example.nl');
    const verify = (message: string) =>
      kms.send(
        new VerifyMacCommand({
          KeyId: HMAC_KEY,
          MacAlgorithm: 'HMAC_SHA_256',
          Message: utf8(message),
          Mac: Buffer.from(token, 'base64url'),
        }),
      );
    expect((await verify('email:jantine.vdberg@example.nl')).MacValid).toBe(true);
    await expect(verify('jantine.vdberg@example.nl')).rejects.toMatchObject({
      name: 'KMSInvalidMacException',
    });
  });
});
