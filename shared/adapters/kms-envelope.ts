// The Encryption SDK's parts, not its umbrella `@aws-crypto/client-node`: that one also re-exports the
// hierarchical keyring's branch keystore, which pulls in the DynamoDB client's full command set (≈ 50 KB
// that a bundle shares with, and so reads at, every cold init of a function that also uses DynamoDB).
import {
  getLocalCryptographicMaterialsCache,
  NodeCachingMaterialsManager,
} from '@aws-crypto/caching-materials-manager-node';
import { buildDecrypt } from '@aws-crypto/decrypt-node';
import { buildEncrypt } from '@aws-crypto/encrypt-node';
import { KmsKeyringNode, type KmsNodeClientSupplier } from '@aws-crypto/kms-keyring-node';
import {
  AlgorithmSuiteIdentifier,
  CommitmentPolicy,
  type NodeMaterialsManager,
} from '@aws-crypto/material-management-node';
import { DecryptCommand, EncryptCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import type {
  DecryptCommandInput,
  EncryptCommandInput,
  GenerateDataKeyCommandInput,
  KMSClient,
} from '@aws-sdk/client-kms';
import type { EncryptionContext, Envelope } from '../services/ports.js';

import { CiphertextContextMismatchError } from './ciphertext-errors.js';

export { CiphertextContextMismatchError };

/** Unsigned, key-committing suite: ≈0.4 ms and ≈200 bytes less per message than the default signed suite. */
const SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
/** Keys the Encryption SDK itself may add to the stored context; everything else must match exactly. */
const SDK_RESERVED_PREFIX = 'aws-crypto-';
const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/;

/**
 * AWS Encryption SDK envelope: one KMS data key per message (or per cache entry), AES-256-GCM with key
 * commitment, encryption context `{ licenseeId, purpose }` bound as AAD by KMS and stored in the header.
 *
 * Caching: the materials cache is partitioned by encryption context, so a cached data key is only reused for
 * the *same* licensee and purpose (e.g. several fields of one record, or re-encrypting one licensee's data).
 * It does nothing for a stream of different licensees; then every encrypt costs one GenerateDataKey.
 * Measured (test/integration/crypto.test.ts): 50 encrypts for one licensee → 1 GenerateDataKey, also when
 * concurrent; 50 encrypts for 50 licensees → 50.
 * On decrypt, messages that share a cached data key also share one cached KMS Decrypt.
 * `maxCacheAgeMs: 0` turns caching off.
 */
export function createKmsEnvelope(options: {
  kms: KMSClient;
  keyId: string;
  maxCacheAgeMs?: number;
}): Envelope {
  const { kms, keyId, maxCacheAgeMs = 60_000 } = options;
  // The SDK records the key ARN in each message and, with keyIds set, only decrypts data keys of that exact ARN.
  if (!KEY_ARN.test(keyId)) throw new Error('The data key id must be a KMS key ARN (arn:…:key/…)');

  // The keyring calls generateDataKey/encrypt/decrypt on a v2/v3-aggregated-style client; bridge those to the
  // injected bare client so exactly its config (region, endpoint, credentials, middleware) is used.
  const bridged = {
    generateDataKey: (input: GenerateDataKeyCommandInput) => kms.send(new GenerateDataKeyCommand(input)),
    encrypt: (input: EncryptCommandInput) => kms.send(new EncryptCommand(input)),
    decrypt: (input: DecryptCommandInput) => kms.send(new DecryptCommand(input)),
  };
  // The supplier receives the region parsed from the key ARN; there is one key, hence one client.
  const clientProvider: KmsNodeClientSupplier = (_region: string) => bridged;
  // generatorKeyId also restricts decrypt to that key (no discovery): data keys of other keys are never sent to KMS.
  const keyring = new KmsKeyringNode({ generatorKeyId: keyId, clientProvider });
  const materials: NodeMaterialsManager | KmsKeyringNode =
    maxCacheAgeMs > 0
      ? new NodeCachingMaterialsManager({
          backingMaterials: keyring,
          cache: getLocalCryptographicMaterialsCache(1000),
          maxAge: maxCacheAgeMs,
          maxMessagesEncrypted: 1000,
        })
      : keyring;

  // What client-node's buildClient does: both halves with the same options.
  const clientOptions = {
    commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
    maxEncryptedDataKeys: 1,
  };
  const { encrypt } = buildEncrypt(clientOptions);
  const { decrypt } = buildDecrypt(clientOptions);

  // The cache has no single-flight: concurrent encrypts for one context (Promise.all over a record's fields)
  // would each miss and each call KMS. The first one in flight per context goes alone; the rest wait for it.
  const firstInFlight = new Map<string, Promise<unknown>>();

  async function encryptOne(plaintext: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    const { result } = await encrypt(materials, plaintext, {
      suiteId: SUITE,
      encryptionContext: toSdkContext(context),
      // Without a known length the caching manager bypasses its cache.
      plaintextLength: plaintext.byteLength,
    });
    return new Uint8Array(result.buffer, result.byteOffset, result.byteLength);
  }

  return {
    async encrypt(plaintext, context) {
      if (materials === keyring) return encryptOne(plaintext, context);
      const slot = JSON.stringify([context.licenseeId, context.purpose]);
      const pending = firstInFlight.get(slot);
      if (pending) {
        await pending.catch(() => undefined);
        return encryptOne(plaintext, context);
      }
      const first = encryptOne(plaintext, context);
      firstInFlight.set(slot, first);
      try {
        return await first;
      } finally {
        firstInFlight.delete(slot);
      }
    },

    async decrypt(ciphertext, expected) {
      // The SDK authenticates the stored context but does not compare it with ours: that is done here.
      const { plaintext, messageHeader } = await decrypt(materials, ciphertext);
      if (
        messageHeader.suiteId !== SUITE ||
        !sameContext(messageHeader.encryptionContext, toSdkContext(expected))
      ) {
        plaintext.fill(0);
        throw new CiphertextContextMismatchError();
      }
      return new Uint8Array(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength);
    },
  };
}

function toSdkContext({ licenseeId, purpose }: EncryptionContext): Record<string, string> {
  return { licenseeId, purpose };
}

function sameContext(actual: Readonly<Record<string, string>>, expected: Record<string, string>): boolean {
  const ownKeys = Object.keys(actual).filter((key) => !key.startsWith(SDK_RESERVED_PREFIX));
  return (
    ownKeys.length === Object.keys(expected).length &&
    Object.entries(expected).every(([key, value]) => Object.hasOwn(actual, key) && actual[key] === value)
  );
}
