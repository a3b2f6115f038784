import * as z from 'zod/mini';
import type { AuditActor } from '../../domain/audit.js';
import { transition, unfinishedStatuses, type StoredPrivacyRequest } from '../../domain/privacy-request.js';
import { ProblemError } from '../../domain/problem-error.js';
import { ConcurrentUpdateError } from '../../adapters/licensee-repository.js';
import { candidates, matches, requestFilterSchema, type ConsoleDeps } from './request-console.js';
import { schema } from '../../domain/schema.js';

/** The most requests one confirmation closes: a larger selection is narrowed first (by date, type, channel). */
export const bulkCloseLimit = 500;

export const bulkCloseSchema = /* @__PURE__ */ schema(() =>
  z.strictObject({
    /** Exactly the filter of the list the staff member looked at (`requests/list`). */
    filter: requestFilterSchema,
    as: z.enum(['spam', 'duplicate']),
    /** The count the console showed and the staff member confirmed: a different count now closes nothing. */
    expectedCount: z.number().check(z.int(), z.gte(1), z.lte(bulkCloseLimit)),
  }),
);
export type BulkCloseInput = z.infer<typeof bulkCloseSchema>;

type Skip = 'verified' | 'no-original' | 'finished';

/**
 * Why a request cannot be closed this way, or what it becomes. Spam: only a request nobody ever confirmed
 * (a verified licensee's request is answered or refused with a reason, AVG art. 12(4)); it is closed as
 * unconfirmed and no mail goes out (its address was never proven, and a mail would let strangers make us
 * write to anyone). Duplicate: linked to the licensee's older unfinished request of the same type, which
 * gets the answer; nobody is mailed twice.
 */
function closing(
  request: StoredPrivacyRequest,
  siblings: readonly StoredPrivacyRequest[],
  as: BulkCloseInput['as'],
  now: Date,
): { next: StoredPrivacyRequest } | { skip: Skip } {
  if (!unfinishedStatuses.includes(request.status)) return { skip: 'finished' };
  if (as === 'spam') {
    if (request.status !== 'awaiting-confirmation') return { skip: 'verified' };
    const {
      confirmation: _code,
      pendingStep: _step,
      ...rest
    } = transition(request, 'closed-unconfirmed', now);
    return { next: rest as StoredPrivacyRequest };
  }
  const original = siblings
    .filter(
      (other) =>
        other.requestId !== request.requestId &&
        other.type === request.type &&
        unfinishedStatuses.includes(other.status) &&
        other.receivedAt < request.receivedAt,
    )
    .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))[0];
  if (!original) return { skip: 'no-original' };
  const { confirmation: _code, pendingStep: _step, ...rest } = transition(request, 'linked', now);
  return { next: { ...(rest as StoredPrivacyRequest), linkedTo: original.requestId } };
}

/**
 * Closes every request of a filtered list at once, after the staff member confirmed its count. Each request
 * is one conditional write with its own audit event naming the staff member; one that changed meanwhile is
 * read again and judged again, so fifty parallel calls close each request exactly once.
 */
export async function bulkCloseRequests(deps: ConsoleDeps, actor: AuditActor, input: BulkCloseInput) {
  const selected = (await candidates(deps, input.filter)).filter(
    (request) => matches(request, input.filter) && request.status !== 'linked',
  );
  if (selected.length !== input.expectedCount) {
    throw new ProblemError(409, 'bulk-count-changed');
  }
  let closed = 0;
  const skipped: { reference: string; reason: Skip }[] = [];
  for (const first of selected) {
    let request: StoredPrivacyRequest | undefined = first;
    for (let attempt = 0; request; attempt += 1) {
      const siblings = await deps.requests.listRequests(request.licenseeId);
      const outcome = closing(request, siblings, input.as, deps.clock());
      if ('skip' in outcome) {
        skipped.push({ reference: request.reference, reason: outcome.skip });
        break;
      }
      const saved = { ...outcome.next, version: request.version + 1 };
      const audit = deps.audit.transactItem({
        actor,
        action: `privacy-request.closed-as-${input.as}`,
        licenseeId: request.licenseeId,
        subjectId: request.requestId,
        details: {
          type: request.type,
          reference: request.reference,
          ...(saved.linkedTo ? { linkedTo: saved.linkedTo } : {}),
        },
      });
      try {
        await deps.requests.saveRequest(saved, request.version, [audit.item]);
        closed += 1;
        break;
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError) || attempt >= 3) throw error;
        request = await deps.requests.getRequest(request.licenseeId, request.requestId);
      }
    }
  }
  return { as: input.as, matched: selected.length, closed, skipped };
}
