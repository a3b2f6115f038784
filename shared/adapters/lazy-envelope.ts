import type { Envelope } from '../services/ports.js';

/** An envelope whose implementation is imported on first use (and again after a failed import). */
export function lazyEnvelope(load: () => Promise<Envelope>): Envelope {
  let loaded: Promise<Envelope> | undefined;
  const get = () =>
    (loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    }));
  return {
    encrypt: async (plaintext, context) => (await get()).encrypt(plaintext, context),
    decrypt: async (ciphertext, expected) => (await get()).decrypt(ciphertext, expected),
  };
}
