/**
 * The encrypted profile document always fits KMS Encrypt's 4,096-byte limit, by its schema: every field at
 * its schema's maximum length, filled with the characters that cost the most bytes once JSON-encoded
 * (a lone surrogate becomes a six-byte `\uXXXX` escape), is still under the limit, and one character more
 * is refused by the schema. So shared/adapters/kms-sealer.ts never needs an envelope for a profile.
 */
import { describe, expect, it } from 'vitest';
import { kmsPlaintextLimit } from '../../../shared/adapters/kms-sealer.js';
import { piiDocumentSchema } from '../../../shared/services/personal-data-vault.js';

const bytesOf = (document: unknown) => new TextEncoder().encode(JSON.stringify(document)).byteLength;

// Costliest first: 6 bytes (escaped lone surrogate), 3 (e.g. €), 2 (escaped quote).
const expensive = ['\ud800', '€', '"'];

/** The costliest single-character fill of `length` that `accepts` takes, and its JSON size. */
function costliest(length: number, accepts: (value: string) => boolean): string {
  for (const char of expensive) {
    const value = char.repeat(length);
    if (accepts(value)) return value;
  }
  throw new Error('no expensive character accepted');
}

const email254 = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.nl`;

function worstCase() {
  const base = {
    name: 'x',
    address: {
      street: 'x',
      houseNumber: '99999',
      houseLetter: 'Z',
      houseNumberAddition: 'ABCDEFGHIJ',
      postcode: 'A123456789', // foreign: the longest form a postcode is normalised to
      city: 'x',
      country: 'FR', // outside NL, BE, DE: the longest postcode form is kept as typed
    },
    email: email254,
    iban: 'MT84MALT011000012345MTLCAST001S',
  };
  const acceptsAt = (set: (d: typeof base, value: string) => void) => (value: string) => {
    const d = structuredClone(base);
    set(d, value);
    return piiDocumentSchema.safeParse({ data: d }).success;
  };
  const name = costliest(
    120,
    acceptsAt((d, v) => (d.name = v)),
  );
  const street = costliest(
    100,
    acceptsAt((d, v) => (d.address.street = v)),
  );
  const city = costliest(
    80,
    acceptsAt((d, v) => (d.address.city = v)),
  );
  return {
    data: { ...base, name, address: { ...base.address, street, city } },
    pendingEmail: email254,
  };
}

describe('profile document size', () => {
  it('the largest document the schema accepts fits KMS Encrypt (4,096 bytes)', () => {
    const document = worstCase();
    const parsed = piiDocumentSchema.parse(document);
    expect(parsed.data.email).toHaveLength(254);
    // An IBAN has at most 34 ASCII characters in its electronic form (ISO 13616): count the longest.
    const bytes = bytesOf(parsed) + (34 - parsed.data.iban.length);
    expect(bytes).toBeGreaterThan(1500); // the costly fill took effect
    expect(bytes).toBeLessThanOrEqual(kmsPlaintextLimit);
  });

  it('one character more in any free-text field, or a longer email, is refused by the schema', () => {
    const longer = worstCase();
    for (const [field, patch] of [
      ['name', (d: typeof longer) => (d.data.name += 'x')],
      ['street', (d: typeof longer) => (d.data.address.street += 'x')],
      ['city', (d: typeof longer) => (d.data.address.city += 'x')],
      ['email', (d: typeof longer) => (d.data.email = `a${d.data.email}`)],
      ['pendingEmail', (d: typeof longer) => (d.pendingEmail = `a${d.pendingEmail}`)],
      ['houseNumber', (d: typeof longer) => (d.data.address.houseNumber += '9')],
      ['houseNumberAddition', (d: typeof longer) => (d.data.address.houseNumberAddition += 'K')],
      ['houseLetter', (d: typeof longer) => (d.data.address.houseLetter += 'Y')],
      ['unknown field', (d: typeof longer) => Object.assign(d.data, { note: 'x' })],
    ] as const) {
      const document = structuredClone(longer);
      patch(document);
      expect(piiDocumentSchema.safeParse(document).success, field).toBe(false);
    }
  });
});
