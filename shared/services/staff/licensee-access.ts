import { languageOf } from '../../domain/records.js';
import * as z from 'zod/mini';
import type { AuditActor } from '../../domain/audit.js';
import { emailSchema } from '../../domain/licensee.js';
import { getProfileView, type ProfileView } from '../self-service.js';
import type { StaffDeps } from './staff-deps.js';
import { schema } from '../../domain/schema.js';

/**
 * The only way staff see a licensee's personal data. The read is audited before the plaintext is
 * produced: if the audit write fails, nothing is shown.
 */
export async function showLicenseeToStaff(
  deps: StaffDeps,
  actor: AuditActor,
  licenseeId: string,
): Promise<ProfileView> {
  await deps.audit.record({ actor, action: 'licensee.read-by-staff', licenseeId });
  return getProfileView(deps, licenseeId);
}

export const licenseeFindSchema = /* @__PURE__ */ schema(() =>
  z.union([
    z.strictObject({ email: emailSchema }),
    z.strictObject({
      licenseeId: z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'invalid-format' })),
    }),
  ]),
);

/**
 * Finds a licensee by email (through the blind index: the address is never stored or logged) or by id,
 * answering the id and licence state only; `licensees/show` reveals the personal data. Which address staff
 * looked up is itself a read about a person, so the search is audited first.
 */
export async function findLicensees(
  deps: StaffDeps,
  actor: AuditActor,
  query: z.infer<typeof licenseeFindSchema>,
) {
  const licenseeId =
    'licenseeId' in query
      ? query.licenseeId
      : (await deps.repo.findEmailOwner(await deps.blindIndex.of(query.email)))?.licenseeId;
  await deps.audit.record({
    actor,
    action: 'licensee.searched-by-staff',
    ...(licenseeId ? { licenseeId } : {}),
    details: { by: 'licenseeId' in query ? 'id' : 'email', found: licenseeId !== undefined },
  });
  const profile = licenseeId ? await deps.repo.getProfile(licenseeId) : undefined;
  return {
    licensees: profile
      ? [
          {
            licenseeId: profile.licenseeId,
            status: profile.status,
            marketingOptOut: profile.marketingOptOut,
            // Staff answer in the licensee's language.
            language: languageOf(profile),
            ...(profile.licenceEndedAt ? { licenceEndedAt: profile.licenceEndedAt } : {}),
            ...(profile.purgeAt ? { purgeAt: profile.purgeAt } : {}),
          },
        ]
      : [],
  };
}
