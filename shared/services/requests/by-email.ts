import { sealedSubmissionEventSchema, type SealedSubmissionEvent } from '../../domain/by-email-submission.js';
import { byEmailRequestBodySchema, type PrivacyRequestType } from '../../domain/privacy-request.js';
import { ProblemError } from '../../domain/problem-error.js';
import type { SubmissionSealer } from '../../adapters/submission-sealer.js';
import type { BusinessEvent } from '../deps.js';
import type { RequestDeps } from './request-deps.js';
import { submitByEmail } from './workflow.js';

export type ByEmailSubmission = { email: string; type: PrivacyRequestType; message?: string };

/** What the by-email route does before it answers: seal, hand off. Nothing that depends on the address. */
export interface ByEmailHandOffDeps {
  sealer: Pick<SubmissionSealer, 'seal'>;
  /** One asynchronous invocation of the by-email worker (Lambda queues it, retries it, dead-letters it). */
  handOff(event: SealedSubmissionEvent): Promise<void>;
  newId: () => string;
  count: (event: BusinessEvent) => void;
}

/**
 * `POST /api/privacy-requests/by-email` on the request path: one KMS Encrypt (the validated body, bound to a
 * fresh submission id) and one Lambda `Event` invocation of the worker, the same two calls whoever the address
 * belongs to, so neither the answer nor its timing says whether it is registered. Whether the submission then
 * becomes a request, a code mailed again or a neutral mail is the worker's (`workByEmailSubmission`).
 *
 * A failure of either call is a 503 `unavailable`, as alike for every address as the 202: nothing was stored,
 * so the caller may simply send it again.
 */
export async function acceptByEmail(deps: ByEmailHandOffDeps, body: ByEmailSubmission): Promise<void> {
  try {
    await deps.handOff(await deps.sealer.seal(deps.newId(), body));
  } catch {
    deps.count('ByEmailHandOffFailures');
    throw new ProblemError(503, 'unavailable');
  }
}

export interface ByEmailWorkerDeps extends RequestDeps {
  sealer: Pick<SubmissionSealer, 'open'>;
}

/**
 * The worker: opens the sealed submission (KMS refuses one made for another id or purpose) and runs exactly
 * what the route ran before it was taken off the request path (`submitByEmail`: the unconfirmed cap, the code
 * mailed again, the neutral mail for an unknown address, lost races). A throw makes Lambda retry the event
 * (twice), then keep it, still sealed, in the worker's dead-letter queue.
 */
export async function workByEmailSubmission(
  deps: ByEmailWorkerDeps,
  event: unknown,
): Promise<{ submissionId: string }> {
  const sealed = sealedSubmissionEventSchema.parse(event);
  // Validated by the route already; parsed again so the worker never trusts an event's shape.
  const body = byEmailRequestBodySchema.parse(await deps.sealer.open(sealed));
  await submitByEmail(deps, body, sealed.submissionId);
  return { submissionId: sealed.submissionId };
}
