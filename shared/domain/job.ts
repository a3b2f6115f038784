import * as z from 'zod/mini';
import { auditActorSchema } from './audit.js';
import { isoTimestamp, schema, wholeNumber } from './schema.js';

/**
 * Long staff work runs as a job, off the request path: the staff call stores the job and invokes the job
 * runner asynchronously; the runner works in steps, saves progress after each, stops before its timeout and
 * invokes itself again, and is safe to run twice (every step is idempotent per recipient or licensee).
 */
export const jobKinds = ['marketing-send', 'purge', 'repurge', 'statement-notice'] as const;
export type JobKind = (typeof jobKinds)[number];

export const jobIdSchema = /* @__PURE__ */ schema(() =>
  z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'invalid-format' })),
);

const scalar = /* @__PURE__ */ schema(() => z.union([z.string(), z.number(), z.boolean()]));

export const storedJobSchema = /* @__PURE__ */ schema(() =>
  z.object({
    jobId: jobIdSchema,
    kind: z.enum(jobKinds),
    status: z.enum(['running', 'done', 'failed']),
    /** What the job works on: a template, a licensee and reason, a date. Ids and codes only. */
    params: z.record(z.string(), scalar),
    startedBy: auditActorSchema,
    startedAt: isoTimestamp,
    updatedAt: isoTimestamp,
    finishedAt: z.optional(isoTimestamp),
    /** Counters staff watch grow (sent, skipped, purged, …); each changes in the same write as its step. */
    progress: z.record(z.string(), z.number()),
    /** Invocations of the runner so far (a continuation or a retry adds one). */
    runs: wholeNumber,
    /** The last failure's error class (never a message: messages can quote data). */
    lastError: z.optional(z.string()),
    result: z.optional(z.record(z.string(), scalar)),
  }),
);
export type StoredJob = z.infer<typeof storedJobSchema>;

/** What staff see of a job (`npm run admin -- jobs show ID`). */
export function viewOfJob(job: StoredJob) {
  return {
    jobId: job.jobId,
    kind: job.kind,
    status: job.status,
    params: job.params,
    startedBy: `${job.startedBy.kind}:${job.startedBy.id}`,
    startedAt: job.startedAt,
    updatedAt: job.updatedAt,
    finishedAt: job.finishedAt ?? null,
    progress: job.progress,
    runs: job.runs,
    lastError: job.lastError ?? null,
    result: job.result ?? null,
  };
}
export type JobView = ReturnType<typeof viewOfJob>;

/** The event the runner is invoked with: the job id only (a dead letter of it is safe to redrive). */
export const jobEventSchema = /* @__PURE__ */ schema(() => z.strictObject({ jobId: jobIdSchema }));
export type JobEvent = z.infer<typeof jobEventSchema>;

/** How long the per-item markers of a finished job stay (they only guard a re-run against doubles). */
export const jobMarkerDays = 30;
