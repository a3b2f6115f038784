import { createHash } from 'node:crypto';
import { createKmsMac } from './kms-mac.js';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { BlindIndex } from '../services/ports.js';

const CACHE_ENTRIES = 500;

/**
 * Blind index of an email address: HMAC-SHA-256 inside KMS (the HMAC key never leaves KMS), over
 * `'email:' + address` so the same key can never yield the same token for another kind of value.
 *
 * A small LRU per container spares KMS calls for addresses seen again soon (one in-flight call per address).
 * It is keyed by SHA-256 of the address, so no address is held in the cache itself.
 */
export function createKmsBlindIndex(options: { kms: KMSClient; keyId: string }): BlindIndex {
  const { kms, keyId } = options;
  const cache = new Map<string, Promise<string>>();

  const mac = createKmsMac({ kms, keyId });
  const compute = (normalisedEmail: string) => mac.sign('email', normalisedEmail);

  return {
    of(normalisedEmail) {
      const slot = createHash('sha256').update(normalisedEmail, 'utf8').digest('base64');
      const hit = cache.get(slot);
      if (hit) {
        cache.delete(slot); // re-insert: Map order is the recency order
        cache.set(slot, hit);
        return hit;
      }
      const pending = compute(normalisedEmail);
      cache.set(slot, pending);
      pending.catch(() => {
        if (cache.get(slot) === pending) cache.delete(slot); // never cache a failure
      });
      while (cache.size > CACHE_ENTRIES) {
        const oldest = cache.keys().next();
        if (oldest.done) break;
        cache.delete(oldest.value);
      }
      return pending;
    },
  };
}
