/**
 * A KMS-compatible endpoint (JSON 1.1 protocol) for local runs and tests, so the local stack runs the same
 * `@aws-sdk/client-kms` + Encryption SDK code path as AWS. Not a security boundary: key material is derived
 * from one master secret kept in `keyFile`. Never logs.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';

type Json = Record<string, unknown>;

class KmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const VERSION = 1;
const MAC_ALGORITHMS: Record<string, string> = {
  HMAC_SHA_256: 'sha256',
  HMAC_SHA_384: 'sha384',
  HMAC_SHA_512: 'sha512',
};

async function loadMasterSecret(keyFile: string): Promise<Buffer> {
  await mkdir(dirname(keyFile), { recursive: true, mode: 0o700 });
  try {
    await writeFile(keyFile, randomBytes(32), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const secret = await readFile(keyFile);
  if (secret.length !== 32) throw new Error(`KMS key file ${keyFile} must hold exactly 32 bytes`);
  return secret;
}

/** Canonical key ARN: a bare key id or alias gets the caller's region and a dummy account, as AWS would answer. */
function keyArn(keyId: unknown, region: string): string {
  if (typeof keyId !== 'string' || keyId.length === 0)
    throw new KmsError('ValidationException', 'KeyId is required');
  if (keyId.startsWith('arn:')) return keyId;
  return `arn:aws:kms:${region}:000000000000:${keyId.startsWith('alias/') ? keyId : `key/${keyId}`}`;
}

/** AAD binding the encryption context: sorted entries, so key order in the request does not matter. */
function contextAad(context: unknown): Buffer {
  const entries = Object.entries((context ?? {}) as Record<string, string>).sort(([a], [b]) =>
    a < b ? -1 : 1,
  );
  return Buffer.from(JSON.stringify(entries), 'utf8');
}

function blob(value: unknown, name: string): Buffer {
  if (typeof value !== 'string') throw new KmsError('ValidationException', `${name} is required`);
  return Buffer.from(value, 'base64');
}

export async function startKmsServer(opts: {
  port: number;
  host?: string;
  keyFile: string;
}): Promise<{ endpoint: string; port: number; close(): Promise<void> }> {
  const master = await loadMasterSecret(opts.keyFile);
  const material = (arn: string): Buffer => createHmac('sha256', master).update(arn, 'utf8').digest();

  const encrypt = (arn: string, plaintext: Buffer, context: unknown): string => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', material(arn), iv).setAAD(contextAad(context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const id = Buffer.from(arn, 'utf8');
    const header = Buffer.alloc(3);
    header.writeUInt8(VERSION, 0);
    header.writeUInt16BE(id.length, 1);
    return Buffer.concat([header, id, iv, cipher.getAuthTag(), body]).toString('base64');
  };

  const decrypt = (ciphertext: Buffer, context: unknown): { arn: string; plaintext: Buffer } => {
    const invalid = new KmsError('InvalidCiphertextException', 'The ciphertext is invalid');
    if (ciphertext.length < 3 || ciphertext.readUInt8(0) !== VERSION) throw invalid;
    const idEnd = 3 + ciphertext.readUInt16BE(1);
    if (ciphertext.length < idEnd + 28) throw invalid;
    const arn = ciphertext.subarray(3, idEnd).toString('utf8');
    try {
      const decipher = createDecipheriv('aes-256-gcm', material(arn), ciphertext.subarray(idEnd, idEnd + 12));
      decipher.setAAD(contextAad(context)).setAuthTag(ciphertext.subarray(idEnd + 12, idEnd + 28));
      return {
        arn,
        plaintext: Buffer.concat([decipher.update(ciphertext.subarray(idEnd + 28)), decipher.final()]),
      };
    } catch {
      throw invalid;
    }
  };

  const mac = (arn: string, algorithm: unknown, message: Buffer): Buffer => {
    const hash = typeof algorithm === 'string' ? MAC_ALGORITHMS[algorithm] : undefined;
    if (!hash) throw new KmsError('ValidationException', 'Unsupported MacAlgorithm');
    return createHmac(hash, material(arn)).update(message).digest();
  };

  const operations: Record<string, (req: Json, region: string) => Json> = {
    GenerateDataKey(req, region) {
      const arn = keyArn(req.KeyId, region);
      const size =
        req.KeySpec === 'AES_128' ? 16 : req.KeySpec === 'AES_256' ? 32 : Number(req.NumberOfBytes);
      if (!Number.isInteger(size) || size < 1 || size > 1024)
        throw new KmsError('ValidationException', 'Invalid key size');
      const plaintext = randomBytes(size);
      return {
        KeyId: arn,
        Plaintext: plaintext.toString('base64'),
        CiphertextBlob: encrypt(arn, plaintext, req.EncryptionContext),
      };
    },
    Encrypt(req, region) {
      const arn = keyArn(req.KeyId, region);
      return {
        KeyId: arn,
        CiphertextBlob: encrypt(arn, blob(req.Plaintext, 'Plaintext'), req.EncryptionContext),
      };
    },
    Decrypt(req, region) {
      const { arn, plaintext } = decrypt(blob(req.CiphertextBlob, 'CiphertextBlob'), req.EncryptionContext);
      if (req.KeyId !== undefined && keyArn(req.KeyId, region) !== arn)
        throw new KmsError(
          'IncorrectKeyException',
          'The key ID in the request does not identify the key that encrypted the ciphertext',
        );
      return {
        KeyId: arn,
        Plaintext: plaintext.toString('base64'),
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      };
    },
    GenerateMac(req, region) {
      const arn = keyArn(req.KeyId, region);
      return {
        KeyId: arn,
        MacAlgorithm: req.MacAlgorithm,
        Mac: mac(arn, req.MacAlgorithm, blob(req.Message, 'Message')).toString('base64'),
      };
    },
    VerifyMac(req, region) {
      const arn = keyArn(req.KeyId, region);
      const expected = mac(arn, req.MacAlgorithm, blob(req.Message, 'Message'));
      const given = blob(req.Mac, 'Mac');
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        throw new KmsError('KMSInvalidMacException', 'The MAC is not valid');
      return { KeyId: arn, MacAlgorithm: req.MacAlgorithm, MacValid: true };
    },
    DescribeKey(req, region) {
      const arn = keyArn(req.KeyId, region);
      const [, , , keyRegion, account, resource = ''] = arn.split(':');
      const KeyMetadata = {
        Arn: arn,
        KeyId: resource.replace(/^key\//, ''),
        AWSAccountId: account,
        Enabled: true,
        KeyState: 'Enabled',
      };
      return {
        KeyMetadata: {
          ...KeyMetadata,
          KeyManager: 'CUSTOMER',
          KeySpec: 'SYMMETRIC_DEFAULT',
          KeyUsage: 'ENCRYPT_DECRYPT',
          Origin: 'AWS_KMS',
          CreationDate: 0,
          MultiRegion: false,
          Description: `local key (${keyRegion})`,
        },
      };
    },
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let status = 200;
      let result: Json;
      try {
        const target = String(request.headers['x-amz-target'] ?? '');
        const operation = target.startsWith('TrentService.')
          ? operations[target.slice('TrentService.'.length)]
          : undefined;
        if (request.method !== 'POST' || !operation)
          throw new KmsError('UnknownOperationException', `Unknown operation ${target}`);
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        } catch {
          throw new KmsError('SerializationException', 'Request body is not valid JSON');
        }
        const region =
          /Credential=[^/]+\/[^/]+\/([^/]+)\//.exec(request.headers.authorization ?? '')?.[1] ?? 'eu-west-1';
        result = operation((body ?? {}) as Json, region);
      } catch (error) {
        status = error instanceof KmsError ? 400 : 500;
        result =
          error instanceof KmsError
            ? { __type: error.type, message: error.message }
            : { __type: 'KMSInternalException', message: 'Internal error' };
      }
      response
        .writeHead(status, { 'content-type': 'application/x-amz-json-1.1' })
        .end(JSON.stringify(result));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host ?? '127.0.0.1';
  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
