import * as z from 'zod/mini';
import type { RequestNotes } from '../../adapters/request-notes.js';
import type { AuditActor } from '../../domain/audit.js';
import { emailSchema } from '../../domain/licensee.js';
import { openShards, viewOfRequest, type StoredPrivacyRequest } from '../../domain/privacy-request.js';
import { ProblemError } from '../../domain/problem-error.js';
import { privacyRequestStatusSchema, privacyRequestTypeSchema } from '../../domain/records.js';
import type { RequestDeps } from '../requests/request-deps.js';
import { openMessage } from '../requests/workflow.js';
import type { StaffDeps } from './staff-deps.js';
import { staffRequestMailsIn } from './request-mails.js';
import { languageOf } from '../../domain/records.js';
import { schema } from '../../domain/schema.js';

export type ConsoleDeps = RequestDeps &
  Pick<StaffDeps, 'audit' | 'blindIndex' | 'repo'> & { notes: RequestNotes };

const day = 86_400_000;
/** Hidden from the list unless asked for: never verified, or closed because nobody confirmed them. */
export const hiddenByDefault = new Set(['awaiting-confirmation', 'closed-unconfirmed']);
const finished = new Set(['completed', 'rejected', 'closed-unconfirmed', 'linked']);

export const requestFilterSchema = /* @__PURE__ */ schema(() =>
  z.strictObject({
    status: z.optional(z.array(privacyRequestStatusSchema)),
    type: z.optional(z.array(privacyRequestTypeSchema)),
    channel: z.optional(z.array(z.enum(['web', 'email']))),
    receivedFrom: z.optional(z.iso.date({ message: 'invalid-format' })),
    receivedTo: z.optional(z.iso.date({ message: 'invalid-format' })),
    reference: z.optional(
      z.string().check(z.trim(), z.toUpperCase(), z.maxLength(20, { message: 'too-long' })),
    ),
    /** Looked up through the blind index; never stored or logged. */
    email: z.optional(emailSchema),
    /** Also the unverified and abandoned requests. */
    includeHidden: z.optional(z.boolean()),
  }),
);
export type RequestFilter = z.infer<typeof requestFilterSchema>;

/** Days left, and the share of the request's whole time still left (1 at receipt, 0 at the deadline). */
function timing(request: StoredPrivacyRequest, now: Date) {
  const due = new Date(request.dueAt).getTime();
  const total = Math.max(due - new Date(request.receivedAt).getTime(), 1);
  const timeLeft = Math.max(0, Math.min(1, (due - now.getTime()) / total));
  const open = !finished.has(request.status);
  const overdue = open && due < now.getTime();
  return {
    daysLeft: Math.floor((due - now.getTime()) / day),
    timeLeft: Math.round(timeLeft * 1000) / 1000,
    overdue,
    /** The console's red badge: overdue, or less than a quarter of the time left. */
    urgent: open && (overdue || timeLeft < 0.25),
  };
}

const rowOf = (request: StoredPrivacyRequest, now: Date) => ({
  reference: request.reference,
  type: request.type,
  status: request.status,
  channel: request.channel,
  receivedAt: request.receivedAt,
  dueAt: request.dueAt,
  ...timing(request, now),
  licenseeId: request.licenseeId,
});

/** The requests a filter can match, read by the narrowest key it gives. */
export async function candidates(
  deps: ConsoleDeps,
  filter: RequestFilter,
  /** Who searches (the list); a bulk close re-reads the list its caller already saw, and audits each close. */
  searchedBy?: AuditActor,
): Promise<StoredPrivacyRequest[]> {
  if (filter.reference) {
    const pointer = await deps.requests.findByReference(filter.reference);
    return pointer ? deps.requests.listRequests(pointer.licenseeId) : [];
  }
  if (filter.email) {
    const owner = await deps.repo.findEmailOwner(await deps.blindIndex.of(filter.email));
    // Whose requests staff looked up by address is a read about a person, as in licensees/find: audited
    // first (the address itself never is), and nothing is listed when that write fails.
    if (searchedBy)
      await deps.audit.record({
        actor: searchedBy,
        action: 'privacy-request.searched-by-staff',
        ...(owner ? { licenseeId: owner.licenseeId } : {}),
        details: { by: 'email', found: owner !== undefined },
      });
    return owner ? deps.requests.listRequests(owner.licenseeId) : [];
  }
  const wantsFinished = filter.status?.some((status) => finished.has(status)) ?? false;
  const queue = [
    ...(await deps.requests.listShard(openShards.open)),
    ...(await deps.requests.listShard(openShards.unconfirmed)),
  ];
  if (!wantsFinished && !filter.receivedFrom) return queue;
  // Finished requests are in no queue: the audit trail's receipt events of the period name them.
  const since = new Date(
    `${filter.receivedFrom ?? deps.clock().toISOString().slice(0, 7) + '-01'}T00:00:00Z`,
  );
  const received = (await deps.audit.since(since)).filter(
    (event) => event.action === 'privacy-request.received' && event.licenseeId && event.subjectId,
  );
  const seen = new Set(queue.map((request) => request.requestId));
  const more = await Promise.all(
    received
      .filter((event) => !seen.has(event.subjectId!))
      .map((event) => deps.requests.getRequest(event.licenseeId!, event.subjectId!)),
  );
  return [...queue, ...more.filter((request): request is StoredPrivacyRequest => request !== undefined)];
}

export function matches(request: StoredPrivacyRequest, filter: RequestFilter): boolean {
  if (filter.reference && request.reference !== filter.reference) return false;
  if (filter.status && !filter.status.includes(request.status)) return false;
  if (!filter.status && !filter.includeHidden && hiddenByDefault.has(request.status)) return false;
  if (filter.type && !filter.type.includes(request.type)) return false;
  if (filter.channel && !filter.channel.includes(request.channel)) return false;
  if (filter.receivedFrom && request.receivedAt < `${filter.receivedFrom}T00:00:00`) return false;
  if (filter.receivedTo && request.receivedAt > `${filter.receivedTo}T23:59:59.999Z`) return false;
  return true;
}

/**
 * The console's request list: filtered, duplicates (linked requests) grouped under their original, sorted by
 * days left. References, types, statuses and dates only: never a personal value.
 */
export async function listRequestsForConsole(deps: ConsoleDeps, actor: AuditActor, filter: RequestFilter) {
  const now = deps.clock();
  const all = await candidates(deps, filter, actor);
  const linked = all.filter((request) => request.status === 'linked' && request.linkedTo);
  const listed = all.filter((request) => matches(request, filter) && request.status !== 'linked');
  // Duplicates of a listed request sit in its licensee's partition.
  const partitions = new Map<string, StoredPrivacyRequest[]>();
  for (const licenseeId of new Set(listed.map((request) => request.licenseeId))) {
    partitions.set(licenseeId, await deps.requests.listRequests(licenseeId));
  }
  const duplicatesOf = (request: StoredPrivacyRequest) =>
    [...(partitions.get(request.licenseeId) ?? []), ...linked]
      .filter((other) => other.status === 'linked' && other.linkedTo === request.requestId)
      .filter((other, index, list) => list.findIndex((o) => o.requestId === other.requestId) === index)
      .map((other) => ({ reference: other.reference, receivedAt: other.receivedAt, channel: other.channel }));
  const hidden = all.filter(
    (request) => !filter.status && !filter.includeHidden && hiddenByDefault.has(request.status),
  ).length;
  return {
    requests: listed
      .map((request) => ({ ...rowOf(request, now), duplicates: duplicatesOf(request) }))
      .sort((a, b) => a.daysLeft - b.daysLeft || a.dueAt.localeCompare(b.dueAt)),
    hidden,
  };
}

async function byReference(deps: ConsoleDeps, reference: string): Promise<StoredPrivacyRequest> {
  const pointer = await deps.requests.findByReference(reference.trim().toUpperCase());
  const request = pointer && (await deps.requests.getRequest(pointer.licenseeId, pointer.requestId));
  if (!request) throw new ProblemError(404, 'not-found');
  return request;
}

/** A request's page without its text: every audit event about it, in order, and its duplicates. */
export async function requestDetail(deps: ConsoleDeps, reference: string) {
  const request = await byReference(deps, reference);
  const now = deps.clock();
  const events = (await deps.audit.forLicensee(request.licenseeId)).filter(
    (event) => event.subjectId === request.requestId,
  );
  const notes = await deps.notes.list(request.licenseeId, request.requestId);
  const duplicates = (await deps.requests.listRequests(request.licenseeId))
    .filter((other) => other.status === 'linked' && other.linkedTo === request.requestId)
    .map((other) => ({ reference: other.reference, receivedAt: other.receivedAt, channel: other.channel }));
  return {
    ...viewOfRequest(request),
    ...timing(request, now),
    licenseeId: request.licenseeId,
    extendedMonths: request.extendedMonths ?? 0,
    patientDataWithheld: request.patientDataWithheld ?? false,
    hasText: request.message !== undefined,
    notes: notes.length,
    duplicates,
    timeline: events.map((event) => ({
      at: event.at,
      action: event.action,
      actor: { kind: event.actor.kind, ...(event.actor.username ? { username: event.actor.username } : {}) },
      details: event.details,
    })),
  };
}

/**
 * The text behind the console's "toon" action, with the internal notes: a staff read of personal data, audited
 * before anything is decrypted, also when there is no text (a linked request): no audit, nothing shown.
 */
export async function showRequestText(deps: ConsoleDeps, actor: AuditActor, reference: string) {
  const request = await byReference(deps, reference);
  await deps.audit.record({
    actor,
    action: 'privacy-request.read-by-staff',
    licenseeId: request.licenseeId,
    subjectId: request.requestId,
  });
  const notes = await deps.notes.list(request.licenseeId, request.requestId);
  return {
    reference: request.reference,
    message: (await openMessage(deps, request)) ?? null,
    patientDataWithheld: request.patientDataWithheld ?? false,
    notes: await Promise.all(
      notes.map(async (note) => ({
        at: note.at,
        by: note.by,
        text: new TextDecoder().decode(
          await deps.envelope.decrypt(note.text, { licenseeId: request.licenseeId, purpose: 'request-note' }),
        ),
      })),
    ),
  };
}

export const addNoteSchema = /* @__PURE__ */ schema(() =>
  z.strictObject({
    reference: z
      .string()
      .check(z.trim(), z.minLength(3, { message: 'required' }), z.maxLength(40, { message: 'too-long' })),
    note: z
      .string()
      .check(z.trim(), z.minLength(2, { message: 'required' }), z.maxLength(4000, { message: 'too-long' })),
  }),
);

/** An internal note (never mailed), encrypted, written with its audit event in one transaction. */
export async function addRequestNote(
  deps: ConsoleDeps,
  actor: AuditActor,
  input: z.infer<typeof addNoteSchema>,
) {
  const request = await byReference(deps, input.reference);
  const noteId = deps.newId();
  const audit = deps.audit.transactItem({
    actor,
    action: 'privacy-request.note-added',
    licenseeId: request.licenseeId,
    subjectId: request.requestId,
    details: { noteId },
  });
  const at = deps.clock().toISOString();
  await deps.notes.add(
    request.licenseeId,
    {
      noteId,
      requestId: request.requestId,
      at,
      by: actor.username ?? actor.id,
      text: await deps.envelope.encrypt(new TextEncoder().encode(input.note), {
        licenseeId: request.licenseeId,
        purpose: 'request-note',
      }),
    },
    audit.item,
  );
  return { reference: request.reference, noteId, at };
}

export const rejectPreviewSchema = /* @__PURE__ */ schema(() =>
  z.strictObject({
    reference: z
      .string()
      .check(z.trim(), z.minLength(3, { message: 'required' }), z.maxLength(40, { message: 'too-long' })),
    reason: z
      .string()
      .check(z.trim(), z.minLength(10, { message: 'required' }), z.maxLength(4000, { message: 'too-long' })),
  }),
);

/** Exactly the mail a rejection sends (same template), before staff confirm it; nothing is stored or sent. */
export async function previewRejection(deps: ConsoleDeps, input: z.infer<typeof rejectPreviewSchema>) {
  const request = await byReference(deps, input.reference);
  // Exactly the licensee's mail: in their language (a profile already destroyed shows both).
  const profile = await deps.repo.getProfile(request.licenseeId);
  const mail = staffRequestMailsIn(profile ? languageOf(profile) : 'nl+en').refused(
    '',
    request.reference,
    input.reason,
  );
  return { reference: request.reference, subject: mail.subject, text: mail.text };
}
