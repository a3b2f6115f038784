import * as z from 'zod/mini';
import { isoTimestamp, nonEmptyText, schema } from './schema.js';

/**
 * The audit trail: who did what to which licensee, when. Details hold ids, counts, dates and codes only,
 * never a personal value, because audit events outlive the purge as proof of what was done.
 */
export const auditActorSchema = /* @__PURE__ */ schema(() =>
  z.object({
    kind: z.enum(['licensee', 'staff', 'system']),
    /** Licensee id, staff member's Cognito `sub` (or the local staff-idp's), or the system function's name. */
    id: nonEmptyText,
    /** Staff only: the username the staff member signed in with, so the trail names a person, not just an id. */
    username: z.optional(nonEmptyText),
  }),
);
export type AuditActor = z.infer<typeof auditActorSchema>;

export const auditDetailsSchema = /* @__PURE__ */ schema(() =>
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
);

export const auditEventSchema = /* @__PURE__ */ schema(() =>
  z.object({
    eventId: z.string(),
    at: isoTimestamp,
    actor: auditActorSchema,
    /** Dotted verb, e.g. `licence.ended`, `licensee.read-by-staff`, `retention.purged`. */
    action: z.string().check(z.regex(/^[a-z][a-z-]*(\.[a-z][a-z-]*)+$/)),
    licenseeId: z.optional(z.string()),
    /** The request, disclosure, hold or review the event is about, when there is one. */
    subjectId: z.optional(z.string()),
    details: auditDetailsSchema,
  }),
);
export type AuditEvent = z.infer<typeof auditEventSchema>;
export type NewAuditEvent = Omit<AuditEvent, 'eventId' | 'at' | 'details'> & {
  details?: AuditEvent['details'];
};

export const systemActor = (functionName: string): AuditActor => ({ kind: 'system', id: functionName });
