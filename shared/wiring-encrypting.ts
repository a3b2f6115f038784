import { createKmsEnvelope } from './adapters/kms-envelope.js';
import type { Config } from './config.js';
import type { Observability } from './observability.js';
import type { ServiceDeps } from './services/deps.js';
import { createBaseDeps } from './wiring.js';

/**
 * Dependencies for functions that encrypt or decrypt personal data. A module of its own, so functions
 * that never touch plaintext do not bundle the Encryption SDK.
 */
export function createServiceDeps(
  config: Config,
  observability: Pick<Observability, 'count'>,
  options?: Parameters<typeof createBaseDeps>[2],
): ServiceDeps {
  const { deps, clients } = createBaseDeps(config, observability, options);
  return { ...deps, envelope: createKmsEnvelope({ kms: clients.kms, keyId: config.DATA_KEY_ID }) };
}
