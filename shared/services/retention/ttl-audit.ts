import * as z from 'zod/mini';
import { systemActor } from '../../domain/audit.js';
import { itemKindOf } from '../../domain/retention.js';
import type { LicenceDeps, LogFields } from './deps.js';
import { schema } from '../../domain/schema.js';

/**
 * The one boundary schema of the TTL audit: the part of a DynamoDB stream record it reads. The stream is
 * KEYS_ONLY, so a record carries key attributes and who deleted, never an item's values.
 */
export const ttlStreamRecordSchema = /* @__PURE__ */ schema(() =>
  z.object({
    eventID: z.optional(z.string()),
    eventName: z.optional(z.string()),
    userIdentity: z.optional(z.object({ type: z.optional(z.string()), principalId: z.optional(z.string()) })),
    dynamodb: z.optional(
      z.looseObject({ Keys: z.optional(z.record(z.string(), z.looseObject({ S: z.optional(z.string()) }))) }),
    ),
  }),
);
export type TtlStreamRecord = z.infer<typeof ttlStreamRecordSchema>;

/** DynamoDB marks its own TTL deletions this way; a user's (or the sweeper's) DeleteItem has no userIdentity. */
export const isTtlRemoval = (record: TtlStreamRecord): boolean =>
  record.eventName === 'REMOVE' &&
  record.userIdentity?.type === 'Service' &&
  record.userIdentity.principalId === 'dynamodb.amazonaws.com';

/** Kinds that carry a short TTL of their own: their expiry is routine, not a late purge. */
const routineKinds = new Set(['session', 'signin']);

export const ttlAuditActor = systemActor('ttl-audit');

export interface TtlAuditReport {
  /** TTL deletions that were the retention backstop: the sweeper was late. */
  backstop: number;
  /** TTL deletions of items with a short life of their own (sessions, codes, lapsed signups, mail records). */
  routine: number;
  /** Not a TTL deletion (user or sweeper deletes, inserts, updates). */
  ignored: number;
}

/**
 * Records in the audit log every deletion DynamoDB's TTL made as the retention backstop (`retention.ttl-deleted`,
 * one event per licensee and batch, with counts per kind) and emits the alarm metric: the backstop firing
 * means the sweeper did not purge in time. A TTL deletion in a licensee's partition is the backstop when
 * that licensee's licence was ended (the audit log says so; a lapsed pending signup was never active).
 */
export async function recordTtlDeletions(
  deps: Pick<LicenceDeps, 'audit' | 'metric'> & { log: (message: string, fields: LogFields) => void },
  input: readonly unknown[],
): Promise<TtlAuditReport> {
  const report: TtlAuditReport = { backstop: 0, routine: 0, ignored: 0 };
  const byLicensee = new Map<string, { counts: Record<string, number>; firstEventId?: string }>();

  for (const raw of input) {
    const record = ttlStreamRecordSchema.parse(raw);
    if (!isTtlRemoval(record)) {
      report.ignored++;
      continue;
    }
    const pk = record.dynamodb?.Keys?.pk?.S ?? '';
    const sk = record.dynamodb?.Keys?.sk?.S ?? '';
    const kind = itemKindOf(sk);
    if (!pk.startsWith('LICENSEE#') || routineKinds.has(kind)) {
      report.routine++;
      continue;
    }
    const licenseeId = pk.slice('LICENSEE#'.length);
    const entry = byLicensee.get(licenseeId) ?? { counts: {}, firstEventId: record.eventID };
    entry.counts[`items.${kind}`] = (entry.counts[`items.${kind}`] ?? 0) + 1;
    byLicensee.set(licenseeId, entry);
  }

  for (const [licenseeId, { counts, firstEventId }] of byLicensee) {
    const events = await deps.audit.forLicensee(licenseeId);
    const lastLicenceEvent = events.filter((event) => event.action.startsWith('licence.')).at(-1);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    if (lastLicenceEvent?.action !== 'licence.ended') {
      report.routine += total;
      continue;
    }
    await deps.audit.record({
      actor: ttlAuditActor,
      action: 'retention.ttl-deleted',
      licenseeId,
      ...(firstEventId ? { subjectId: firstEventId } : {}),
      details: { items: total, ...counts },
    });
    report.backstop += total;
    deps.log('TTL backstop deleted items: the sweeper was late', { licenseeId, items: total });
  }
  deps.metric('TtlBackstopDeletions', report.backstop);
  return report;
}
