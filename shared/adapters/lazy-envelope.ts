import type { Envelope } from '../services/ports.js';
import { loadOnce } from './load-once.js';

/** An envelope whose implementation is imported on first use (and again after a failed import). */
export function lazyEnvelope(load: () => Promise<Envelope>): Envelope {
  const get = loadOnce(load);
  return {
    encrypt: async (plaintext, context) => (await get()).encrypt(plaintext, context),
    decrypt: async (ciphertext, expected) => (await get()).decrypt(ciphertext, expected),
  };
}
