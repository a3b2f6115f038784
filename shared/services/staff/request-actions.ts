import * as z from 'zod/mini';
import type { AuditActor } from '../../domain/audit.js';
import { addMonths } from '../../domain/dates.js';
import { policy } from '../../domain/policy.js';
import {
  openShards,
  transition,
  viewOfRequest,
  type StoredPrivacyRequest,
} from '../../domain/privacy-request.js';
import { ProblemError } from '../../domain/problem-error.js';
import type { RequestDeps } from '../requests/request-deps.js';
import { openMessage } from '../requests/workflow.js';
import { startJob, type JobDeps } from '../jobs/jobs.js';
import { loadProfile } from '../self-service.js';
import type { OutgoingMail } from '../ports.js';
import { staffRequestMailsIn } from './request-mails.js';
import { languageOf } from '../../domain/records.js';
import { schema } from '../../domain/schema.js';

const referenceField = /* @__PURE__ */ schema(() =>
  z
    .string()
    .check(z.trim(), z.minLength(3, { message: 'required' }), z.maxLength(40, { message: 'too-long' })),
);
/** Staff's own words to the licensee: required wherever a request is refused, extended or answered. */
const staffText = /* @__PURE__ */ schema(() =>
  z
    .string()
    .check(z.trim(), z.minLength(10, { message: 'required' }), z.maxLength(4000, { message: 'too-long' })),
);

export const requestRefSchema = /* @__PURE__ */ schema(() => z.strictObject({ reference: referenceField }));
export const extendRequestSchema = /* @__PURE__ */ schema(() =>
  z.strictObject({
    reference: referenceField,
    months: z.number().check(z.int({ message: 'invalid-format' }), z.gte(1, { message: 'invalid-format' })),
    reason: staffText,
  }),
);
export const closeRequestSchema = /* @__PURE__ */ schema(() =>
  z.strictObject({ reference: referenceField, response: staffText }),
);
export const rejectRequestSchema = /* @__PURE__ */ schema(() =>
  z.strictObject({ reference: referenceField, reason: staffText }),
);

const actionable = ['open', 'awaiting-staff-approval'] as const;
const daysLeft = (dueAt: string, now: Date) =>
  Math.floor((new Date(dueAt).getTime() - now.getTime()) / 86_400_000);

async function byReference(deps: RequestDeps, reference: string): Promise<StoredPrivacyRequest> {
  const pointer = await deps.requests.findByReference(reference);
  const request = pointer && (await deps.requests.getRequest(pointer.licenseeId, pointer.requestId));
  if (!request) throw new ProblemError(404, 'not-found');
  return request;
}

function requireActionable(request: StoredPrivacyRequest): void {
  if (!(actionable as readonly string[]).includes(request.status))
    throw new ProblemError(409, 'request-state');
}

/** Moves the request on and writes its audit event in the same transaction. */
async function finishWith(
  deps: RequestDeps,
  actor: AuditActor,
  request: StoredPrivacyRequest,
  next: StoredPrivacyRequest,
  action: string,
  details: Record<string, string | number | boolean> = {},
  mail?: OutgoingMail,
): Promise<StoredPrivacyRequest> {
  const saved = { ...next, version: request.version + 1 };
  const onTime = new Date(saved.history.at(-1)?.at ?? deps.clock().toISOString()) <= new Date(request.dueAt);
  const audit = deps.audit.transactItem({
    actor,
    action,
    licenseeId: request.licenseeId,
    subjectId: request.requestId,
    details: { type: request.type, reference: request.reference, dueAt: request.dueAt, onTime, ...details },
  });
  // The licensee's mail is written with the decision and its audit event: no decision without its mail.
  const outgoing = mail ? [await deps.mailer.outboxItem(mail)] : [];
  await deps.requests.saveRequest(saved, request.version, [audit.item, ...outgoing]);
  return saved;
}

/** Open requests, earliest deadline first: what staff must act on. */
export async function listOpenRequests(deps: RequestDeps) {
  const now = deps.clock();
  const open = await deps.requests.listShard(openShards.open);
  return {
    requests: open
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
      .map((request) => ({
        reference: request.reference,
        type: request.type,
        status: request.status,
        channel: request.channel,
        receivedAt: request.receivedAt,
        dueAt: request.dueAt,
        daysLeft: daysLeft(request.dueAt, now),
        licenseeId: request.licenseeId,
      })),
  };
}

/** A request with its text; a staff read of personal data, so it is audited first. */
export async function showRequest(deps: RequestDeps, actor: AuditActor, reference: string) {
  const request = await byReference(deps, reference);
  // Audited first, text or not (a linked request has none): if the audit write fails, nothing is shown.
  await deps.audit.record({
    actor,
    action: 'privacy-request.read-by-staff',
    licenseeId: request.licenseeId,
    subjectId: request.requestId,
  });
  return {
    ...viewOfRequest(request),
    licenseeId: request.licenseeId,
    extendedMonths: request.extendedMonths ?? 0,
    patientDataWithheld: request.patientDataWithheld ?? false,
    message: (await openMessage(deps, request)) ?? null,
  };
}

/** The address on record and the mails in the licensee's language. */
async function recipientOf(deps: RequestDeps, licenseeId: string) {
  const { profile, pii } = await loadProfile(deps, licenseeId);
  return { to: pii.data.email, mails: staffRequestMailsIn(languageOf(profile)) };
}

/** AVG art. 12(3): at most two further months, with the reason told to the licensee. */
export async function extendRequest(
  deps: RequestDeps,
  actor: AuditActor,
  input: z.infer<typeof extendRequestSchema>,
) {
  const request = await byReference(deps, input.reference);
  requireActionable(request);
  const total = (request.extendedMonths ?? 0) + input.months;
  if (total > policy.requests.maxExtensionMonths) {
    throw new ProblemError(422, 'extension-too-long', [{ field: 'months', code: 'extension-too-long' }]);
  }
  const dueAt = addMonths(new Date(request.dueAt), input.months).toISOString();
  const { to, mails } = await recipientOf(deps, request.licenseeId);
  const saved = await finishWith(
    deps,
    actor,
    request,
    { ...request, dueAt, extendedMonths: total },
    'privacy-request.extended',
    { months: input.months, newDueAt: dueAt },
    mails.extended(to, request.reference, dueAt, input.reason),
  );
  return viewOfRequest(saved);
}

/** Ends an actionable request with an outcome, audited in the same write, and mails the licensee about it. */
async function conclude(
  deps: RequestDeps,
  actor: AuditActor,
  request: StoredPrivacyRequest,
  outcome: 'completed' | 'rejected',
  mailTo: (to: string, mails: ReturnType<typeof staffRequestMailsIn>) => OutgoingMail,
) {
  requireActionable(request);
  const { to, mails } = await recipientOf(deps, request.licenseeId);
  const next = transition(request, outcome, deps.clock());
  const saved = await finishWith(
    deps,
    actor,
    request,
    next,
    `privacy-request.${outcome}`,
    {},
    mailTo(to, mails),
  );
  return viewOfRequest(saved);
}

/** Answers a request (a question, a complaint, a correction staff applied) and closes it. */
export async function closeRequest(
  deps: RequestDeps,
  actor: AuditActor,
  input: z.infer<typeof closeRequestSchema>,
) {
  const request = await byReference(deps, input.reference);
  // A deletion is concluded by approving or refusing it, never by an answer alone.
  if (request.type === 'deletion') throw new ProblemError(409, 'request-state');
  return conclude(deps, actor, request, 'completed', (to, mails) =>
    mails.answered(to, request.reference, input.response),
  );
}

/** Every refusal carries a reason, sent to the licensee with their right to complain to the AP. */
export async function rejectRequest(
  deps: RequestDeps,
  actor: AuditActor,
  input: z.infer<typeof rejectRequestSchema>,
) {
  const request = await byReference(deps, input.reference);
  return conclude(deps, actor, request, 'rejected', (to, mails) =>
    mails.refused(to, request.reference, input.reason),
  );
}

/**
 * Carries out an approved deletion: the request is completed and the last mail goes out (before the address
 * is destroyed); then the purge starts as a job, off the request path: the licence ends and everything is
 * purged with the same deletion certificate as the sweeper (under a legal hold the licence ends and the purge
 * waits for the hold). The answer names the job; `jobs show` reports its outcome and certificate.
 */
export async function approveDeletion(deps: RequestDeps & JobDeps, actor: AuditActor, reference: string) {
  const request = await byReference(deps, reference);
  if (request.type !== 'deletion') throw new ProblemError(409, 'not-a-deletion');
  if (request.status !== 'awaiting-staff-approval') throw new ProblemError(409, 'request-state');
  const { to, mails } = await recipientOf(deps, request.licenseeId);
  await finishWith(
    deps,
    actor,
    request,
    transition(request, 'completed', deps.clock()),
    'privacy-request.deletion-approved',
    {},
    mails.deleted(to, request.reference),
  );
  const job = await startJob(
    deps,
    actor,
    'purge',
    { licenseeId: request.licenseeId, reason: 'deletion-request', subjectId: request.requestId },
    { licenseeId: request.licenseeId, subjectId: request.requestId },
  );
  return { reference: request.reference, outcome: 'purge-started', jobId: job.jobId };
}
