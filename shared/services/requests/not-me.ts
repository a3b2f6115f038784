import { ProblemError } from '../../domain/problem-error.js';
import { notMeLicensee } from '../not-me-link.js';
import type { RequestDeps } from './request-deps.js';
import { createRequest } from './workflow.js';

/** Ends every session of the licence and opens a request for staff (one per link: a repeat changes nothing). */
export async function reportNotMe(deps: RequestDeps, token: string): Promise<void> {
  const licenseeId = await notMeLicensee(deps, token);
  await deps.repo.endSessions(licenseeId);
  const sourceMessageId = `not-me:${token.split('.')[1]}`;
  const reported = async () =>
    (await deps.requests.listRequests(licenseeId)).some(
      (request) => request.sourceMessageId === sourceMessageId,
    );
  if (await reported()) return;
  // The link pressed many times at once: the once-marker in the request's own transaction lets one through;
  // each other press, on losing, finds the request the winner opened and stops there.
  await createRequest(deps, {
    licenseeId,
    type: 'complaint',
    channel: 'web',
    message:
      'Melding via de link "Dit was ik niet" na een wijziging van het e-mailadres. Alle sessies zijn beëindigd; controleer en herstel zo nodig het e-mailadres. / Reported through the "This was not me" link after an email change; every session was ended.',
    verifiedBy: 'notice-link',
    actor: { kind: 'licensee', id: licenseeId },
    sourceMessageId,
    also: () => [deps.requests.onceItem(licenseeId, sourceMessageId)],
    beforeRetry: async () => {
      if (await reported()) throw new ProblemError(409, 'conflict');
    },
  }).catch(async (error: unknown) => {
    if (error instanceof ProblemError && error.status === 409 && (await reported())) return;
    throw error;
  });
}
