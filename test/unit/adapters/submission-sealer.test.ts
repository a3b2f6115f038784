/**
 * The by-email route seals the submission for its worker (shared/adapters/submission-sealer.ts): KMS binds it
 * to its submission id and purpose, the event (what Lambda queues and the dead-letter queue keeps) holds no
 * plaintext, and a failed seal or hand-off is the same 503 for every address.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { CiphertextContextMismatchError } from '../../../shared/adapters/ciphertext-errors.js';
import { createKmsClient } from '../../../shared/adapters/kms-client.js';
import { createOutboxSealer } from '../../../shared/adapters/outbox-sealer.js';
import { createSubmissionSealer } from '../../../shared/adapters/submission-sealer.js';
import { loadConfig } from '../../../shared/config.js';
import { maxSealedParts, sealedSubmissionEventSchema } from '../../../shared/domain/by-email-submission.js';
import { byEmailRequestBodySchema, maxMessageLength } from '../../../shared/domain/privacy-request.js';
import { ProblemError } from '../../../shared/domain/problem-error.js';
import { acceptByEmail, type ByEmailSubmission } from '../../../shared/services/requests/by-email.js';

const env = inject('localEnv');
const config = loadConfig(env);
const kms = createKmsClient(config);
const calls: string[] = [];
kms.middlewareStack.add(
  (next, context) => (args) => {
    calls.push(String(context.commandName));
    return next(args);
  },
  { step: 'initialize', name: 'countKmsCalls' },
);
afterAll(() => kms.destroy());

const keyId = env.SUBMISSION_KEY_ID!;
const sealer = createSubmissionSealer({ kms, keyId });
const submission: ByEmailSubmission = {
  email: 'praktijk.verzegeld@example.nl',
  type: 'question',
  message: 'Hoe lang bewaren jullie mijn IBAN en mijn adres?',
};
/** A ULID per test, as `newId` makes them. */
const id = (n: number) => `01JS0B0SVBM0SS10N000000${String(n).padStart(3, '0')}`;

describe('sealing a by-email submission', () => {
  it('one KMS Encrypt; the event is an id and ciphertext, nothing of the submission in plain', async () => {
    calls.length = 0;
    const event = await sealer.seal(id(1), submission);
    expect(calls).toEqual(['EncryptCommand']);
    expect(Object.keys(event).sort()).toEqual(['sealed', 'submissionId']);
    expect(sealedSubmissionEventSchema.parse(event)).toEqual(event);
    expect(event.sealed).toHaveLength(1);
    const json = JSON.stringify(event);
    for (const plain of ['praktijk', 'verzegeld', 'example.nl', 'question', 'IBAN', 'bewaren'])
      expect(json).not.toContain(plain);
    // Nor in the ciphertext's bytes, however decoded.
    const bytes = Buffer.from(event.sealed[0]!, 'base64');
    expect(bytes.toString('latin1')).not.toContain('praktijk');
    expect(bytes.toString('utf8')).not.toContain('praktijk');
  });

  it('opens to exactly what was sealed, with one KMS Decrypt', async () => {
    const event = await sealer.seal(id(2), submission);
    calls.length = 0;
    expect(await sealer.open(event)).toEqual(submission);
    expect(calls).toEqual(['DecryptCommand']);
  });

  it('refuses a ciphertext moved to another submission id', async () => {
    const event = await sealer.seal(id(3), submission);
    await expect(sealer.open({ ...event, submissionId: id(4) })).rejects.toBeInstanceOf(
      CiphertextContextMismatchError,
    );
  });

  it('refuses a ciphertext of the same key made for another purpose', async () => {
    const other = await createOutboxSealer({ kms, keyId }).seal(
      new TextEncoder().encode(JSON.stringify(submission)),
      { purpose: 'outbox', submissionId: id(5) },
    );
    const event = { submissionId: id(5), sealed: other.map((part) => Buffer.from(part).toString('base64')) };
    await expect(sealer.open(event)).rejects.toBeInstanceOf(CiphertextContextMismatchError);
  });

  it('refuses a ciphertext of another key', async () => {
    const elsewhere = createSubmissionSealer({ kms, keyId: env.OUTBOX_KEY_ID! });
    const event = await elsewhere.seal(id(6), submission);
    await expect(sealer.open(event)).rejects.toBeInstanceOf(CiphertextContextMismatchError);
  });

  it('the longest valid message of characters that do not compress still fits the event', async () => {
    // 5,000 characters of four UTF-8 bytes each, no repetition for deflate to use: the worst case.
    const message = Array.from({ length: maxMessageLength }, (_, i) =>
      String.fromCodePoint(0x10000 + ((i * 7919) % 0xeffff)),
    ).join('');
    const worst = { ...submission, message };
    const event = await sealer.seal(id(7), worst);
    expect(event.sealed.length).toBeGreaterThan(1);
    expect(event.sealed.length).toBeLessThanOrEqual(maxSealedParts);
    expect(sealedSubmissionEventSchema.safeParse(event).success).toBe(true);
    expect(await sealer.open(event)).toEqual(worst);
  });

  it('the route parses the opened submission with the form schema (what the route accepted)', async () => {
    const event = await sealer.seal(id(8), submission);
    expect(byEmailRequestBodySchema.parse(await sealer.open(event))).toEqual(submission);
  });
});

describe('the hand-off (acceptByEmail)', () => {
  const deps = (overrides: { seal?: () => Promise<never>; handOff?: () => Promise<void> } = {}) => {
    const counted: string[] = [];
    const handedOff: unknown[] = [];
    return {
      counted,
      handedOff,
      deps: {
        sealer: { seal: overrides.seal ?? sealer.seal },
        handOff:
          overrides.handOff ??
          (async (event: unknown) => {
            handedOff.push(event);
          }),
        newId: () => id(9),
        count: (event: string) => counted.push(event),
      },
    };
  };

  it('hands off exactly the sealed event, once', async () => {
    const { deps: d, handedOff, counted } = deps();
    await acceptByEmail(d, submission);
    expect(handedOff).toHaveLength(1);
    expect(await sealer.open(sealedSubmissionEventSchema.parse(handedOff[0]))).toEqual(submission);
    expect(counted).toEqual([]);
  });

  it.each([
    [
      'KMS refuses the seal',
      {
        seal: async () => {
          throw Object.assign(new Error('x'), { name: 'KMSInternalException' });
        },
      },
    ],
    [
      'Lambda refuses the event',
      {
        handOff: async () => {
          throw Object.assign(new Error('x'), { name: 'TooManyRequestsException' });
        },
      },
    ],
  ])('%s: 503 unavailable, counted, nothing of the input in the error', async (_what, fault) => {
    const { deps: d, counted } = deps(fault);
    const error = await acceptByEmail(d, submission).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({ status: 503, code: 'unavailable', errors: [] });
    expect(JSON.stringify(error) + String(error)).not.toContain('praktijk');
    expect(counted).toEqual(['ByEmailHandOffFailures']);
  });
});
