import * as z from 'zod/mini';
import { ulidSchema } from '../../domain/ids.js';
import type { AuditActor } from '../../domain/audit.js';
import { policy } from '../../domain/policy.js';
import { ProblemError } from '../../domain/problem-error.js';
import type { DisclosureRecord } from '../../domain/records.js';
import type { StaffDeps } from './staff-deps.js';
import { ConcurrentUpdateError } from '../../adapters/licensee-repository.js';
import { schema } from '../../domain/schema.js';

const categoryIds = policy.dataCategories.map((category) => category.id) as [string, ...string[]];

/** Statement §4: a disclosure names its legal basis, one of three; anything else is refused. */
export const disclosureInputSchema = /* @__PURE__ */ schema(() =>
  z.strictObject({
    licenseeId: ulidSchema,
    recipient: z
      .string()
      .check(z.trim(), z.minLength(2, { message: 'required' }), z.maxLength(200, { message: 'too-long' })),
    basis: z.enum(policy.disclosureBases, { message: 'invalid-basis' }),
    categories: z
      .array(z.enum(categoryIds, { message: 'invalid-category' }))
      .check(z.minLength(1, { message: 'required' })),
    /** A case or letter reference: a code, not prose, so it cannot carry personal data. */
    reference: z
      .string()
      .check(z.trim(), z.regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{1,59}$/, { message: 'invalid-format' })),
  }),
);
export type DisclosureInput = z.infer<typeof disclosureInputSchema>;

export async function recordDisclosure(
  deps: StaffDeps,
  actor: AuditActor,
  input: DisclosureInput,
): Promise<DisclosureRecord> {
  const disclosure: DisclosureRecord = {
    disclosureId: deps.newId(),
    recipient: input.recipient,
    basis: input.basis,
    categories: [...new Set(input.categories)],
    disclosedAt: deps.clock().toISOString(),
    reference: input.reference,
  };
  const { item } = deps.audit.transactItem({
    actor,
    action: 'disclosure.recorded',
    licenseeId: input.licenseeId,
    subjectId: disclosure.disclosureId,
    details: { basis: disclosure.basis, categories: disclosure.categories.join(',') },
  });
  try {
    await deps.staffRepo.putDisclosure(input.licenseeId, disclosure, item);
  } catch (error) {
    if (error instanceof ConcurrentUpdateError || (error as Error).name === 'TransactionCanceledException') {
      throw new ProblemError(404, 'not-found');
    }
    throw error;
  }
  return disclosure;
}
