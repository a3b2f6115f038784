/**
 * Staff roles (Cognito groups). Each role includes the one before it:
 * viewer: the queue and the reports, never a personal value;
 * handler: acts on requests and reveals personal data through an audited read;
 * admin: disclosures, legal holds, breaches, marketing and licence ends.
 */
export const staffRoles = ['viewer', 'handler', 'admin'] as const;
export type StaffRole = (typeof staffRoles)[number];

/** The OAuth scope every staff access token carries (Cognito resource server `zorgsom`, scope `staff`). */
export const staffScope = 'zorgsom/staff';

const rank = (role: StaffRole) => staffRoles.indexOf(role);

export const roleAllows = (held: StaffRole, needed: StaffRole): boolean => rank(held) >= rank(needed);

/** The highest role among a token's groups (a member of several groups acts with the strongest). */
export function roleOfGroups(groups: readonly string[]): StaffRole | undefined {
  return [...staffRoles].reverse().find((role) => groups.includes(role));
}
