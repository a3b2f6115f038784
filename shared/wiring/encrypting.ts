import { createKmsSealer } from '../adapters/kms-sealer.js';
import type { Config } from '../config.js';
import type { Observability } from '../observability.js';
import type { ServiceDeps } from '../services/deps.js';
import { createBaseDeps } from './base.js';

/**
 * Dependencies for functions that encrypt or decrypt personal data. A module of its own, so functions
 * that never touch plaintext bundle no encryption at all. Personal data goes to KMS Encrypt/Decrypt directly;
 * the Encryption SDK is imported only for a payload over KMS's 4 KB limit or an item of the earlier format.
 */
export function createServiceDeps(
  config: Config,
  observability: Pick<Observability, 'count'>,
  options?: Parameters<typeof createBaseDeps>[2],
): ServiceDeps {
  const { deps, clients } = createBaseDeps(config, observability, options);
  const { kms } = clients;
  const keyId = config.DATA_KEY_ID;
  return {
    ...deps,
    envelope: createKmsSealer({
      kms,
      keyId,
      // No data-key cache: a data key lives only for the one message it encrypts or decrypts.
      envelope: async () =>
        (await import('../adapters/kms-envelope.js')).createKmsEnvelope({ kms, keyId, maxCacheAgeMs: 0 }),
    }),
  };
}
