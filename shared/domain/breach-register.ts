import { policy } from './policy.js';

/**
 * The breach register's fixed lists and the 72-hour clock's hours, without zod: the console's bundle imports
 * these, and a bundle with zod in it trips the strict CSP (zod probes `new Function` for its fast path).
 */
export const breachDataCategories = [
  ...policy.dataCategories.map((category) => category.id),
  'request-and-mail-texts',
  'budget-review-uploads',
  'staff-accounts',
] as const;
export const breachAffectedGroups = ['licensees', 'patients', 'staff'] as const;
/** AVG art. 33(1): the authority is told within 72 hours of discovery. */
export const breachReportHours = 72;
/** The console warns from here on. */
export const breachWarnHours = 24;
