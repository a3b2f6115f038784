import { notMeLicensee } from '../not-me-link.js';
import type { RequestDeps } from './request-deps.js';
import { createRequest } from './workflow.js';

/** Ends every session of the licence and opens a request for staff (one per link: a repeat changes nothing). */
export async function reportNotMe(deps: RequestDeps, token: string): Promise<void> {
  const licenseeId = await notMeLicensee(deps, token);
  await deps.repo.endSessions(licenseeId);
  const reported = await deps.requests.listRequests(licenseeId);
  const sourceMessageId = `not-me:${token.split('.')[1]}`;
  if (reported.some((request) => request.sourceMessageId === sourceMessageId)) return;
  await createRequest(deps, {
    licenseeId,
    type: 'complaint',
    channel: 'web',
    message:
      'Melding via de link "Dit was ik niet" na een wijziging van het e-mailadres. Alle sessies zijn beëindigd; controleer en herstel zo nodig het e-mailadres. / Reported through the "This was not me" link after an email change; every session was ended.',
    verifiedBy: 'notice-link',
    actor: { kind: 'licensee', id: licenseeId },
    sourceMessageId,
  });
}
