import { randomInt } from 'node:crypto';
import * as z from 'zod/mini';
import { addDays, addMonths } from './dates.js';
import { codeSchema, emailSchema, honestText } from './licensee.js';
import { oneTimeCodeSchema } from './one-time-code.js';
import { looksLikePatientData } from './patient-text.js';
import { policy } from './policy.js';
import {
  privacyRequestRecordSchema,
  privacyRequestStatusSchema,
  privacyRequestTypeSchema,
  type PrivacyRequestRecord,
} from './records.js';
import { isoTimestamp, itemVersion, schema, wholeCount } from './schema.js';

/**
 * A privacy request (statement §5: overview, correction, completion, deletion, marketing opt-out, question,
 * complaint), one model for the web form and for mail to info@. Pure rules only: no AWS, no I/O.
 *
 * Life cycle:
 *   awaiting-confirmation ──confirm──> open ──> completed | awaiting-staff-approval | (stays open for staff)
 *          │                                                        └──staff──> completed | rejected
 *          └── 7 days without confirmation ──> closed-unconfirmed
 *   a second request of the same type while one is unfinished ──> linked (terminal, points at the first)
 */

export type PrivacyRequestType = z.infer<typeof privacyRequestTypeSchema>;
export type PrivacyRequestStatus = z.infer<typeof privacyRequestStatusSchema>;
export type RequestChannel = PrivacyRequestRecord['channel'];

export const requestTypes = privacyRequestTypeSchema.options;

/** The side effect a request still owes; kept on the item until it succeeded, so a retry resumes there. */
export const requestStepSchema = /* @__PURE__ */ schema(() =>
  z.enum(['send-confirmation', 'apply', 'notify']),
);
export type RequestStep = z.infer<typeof requestStepSchema>;

/** Error codes shown on a request (`lastError`): what failed, never a message that could quote input. */
export const requestErrorCodeSchema = /* @__PURE__ */ schema(() =>
  z.enum(['mail-not-sent', 'kms-error', 'storage-error', 'internal']),
);
export type RequestErrorCode = z.infer<typeof requestErrorCodeSchema>;

/** The request as stored: the licensee-facing record (what the overview shows) plus internal state. */
export const storedPrivacyRequestSchema = /* @__PURE__ */ schema(() =>
  z.extend(privacyRequestRecordSchema, {
    licenseeId: z.string(),
    /** The sender's own text (subject and body), envelope-encrypted with purpose `privacy-request`. */
    message: z.optional(z.custom<Uint8Array>((value) => value instanceof Uint8Array)),
    /** The mail or form held patient data: no text was kept, and replies ask not to send such data. */
    patientDataWithheld: z.optional(z.boolean()),
    /** Hash of the mailed confirmation code, with its attempts and rate window. */
    confirmation: z.optional(oneTimeCodeSchema),
    /** When an unconfirmed request is closed (received + policy.requests.closeUnconfirmedAfterDays). */
    confirmBy: z.optional(isoTimestamp),
    reminderSentAt: z.optional(isoTimestamp),
    /** Keys of raw mail in the raw-mail bucket; the retention sweeper deletes them with the licensee. */
    s3Objects: z.optional(z.array(z.string())),
    /** The SES message id the request came from (idempotency of mail intake). */
    sourceMessageId: z.optional(z.string()),
    /** SPF or DKIM passed with DMARC alignment, and the sender matched the address on record. */
    senderAuthenticated: z.optional(z.boolean()),
    pendingStep: z.optional(requestStepSchema),
    lastError: z.optional(requestErrorCodeSchema),
    failedAttempts: z.optional(wholeCount),
    /** AVG art. 12(3): months added to the deadline by staff (at most policy.requests.maxExtensionMonths). */
    extendedMonths: z.optional(itemVersion),
    version: itemVersion,
  }),
);
export type StoredPrivacyRequest = z.infer<typeof storedPrivacyRequestSchema>;

/** What the portal shows of a request (issue 5's contract): the overview's record plus a failed step's code. */
export const requestViewSchema = /* @__PURE__ */ schema(() =>
  z.extend(privacyRequestRecordSchema, {
    lastError: z.optional(requestErrorCodeSchema),
  }),
);
export type RequestView = z.infer<typeof requestViewSchema>;

export function viewOfRequest(request: StoredPrivacyRequest): RequestView {
  return {
    requestId: request.requestId,
    reference: request.reference,
    type: request.type,
    channel: request.channel,
    status: request.status,
    receivedAt: request.receivedAt,
    dueAt: request.dueAt,
    history: request.history.map(({ at, status }) => ({ at, status })),
    ...(request.linkedTo ? { linkedTo: request.linkedTo } : {}),
    ...(request.lastError ? { lastError: request.lastError } : {}),
  };
}

/** AVG art. 12(3): the answer is due one month (policy) after receipt. */
export function dueDateOf(receivedAt: Date): Date {
  return addMonths(receivedAt, policy.requests.responseDeadlineMonths);
}

export function confirmByOf(receivedAt: Date): Date {
  return addDays(receivedAt, policy.requests.closeUnconfirmedAfterDays);
}

/** Not yet finished: a new request of the same type is linked to such a one instead of worked twice. */
export const unfinishedStatuses: readonly PrivacyRequestStatus[] = [
  'awaiting-confirmation',
  'open',
  'awaiting-staff-approval',
];

/**
 * Types whose second request adds nothing: one overview, one opt-out is enough. Questions and complaints
 * carry their own text, so each is answered on its own.
 */
export const linkableTypes: ReadonlySet<PrivacyRequestType> = new Set([
  'overview',
  'correction',
  'deletion',
  'marketing-opt-out',
]);

/** The unfinished request of the same type a new one should be linked to, if any. */
export function findLinkTarget(
  existing: readonly StoredPrivacyRequest[],
  type: PrivacyRequestType,
): StoredPrivacyRequest | undefined {
  if (!linkableTypes.has(type)) return undefined;
  return existing
    .filter((request) => request.type === type && unfinishedStatuses.includes(request.status))
    .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))[0];
}

/** Still waiting for its mailed code, and that code can still be used: such a request holds a slot. */
export function waitsForCode(request: StoredPrivacyRequest, now: Date): boolean {
  return (
    request.status === 'awaiting-confirmation' &&
    (request.confirmBy === undefined || new Date(request.confirmBy) > now)
  );
}

/**
 * Which of the licensee's `policy.requests.maxUnconfirmedPerLicensee` slots a new unconfirmed request may
 * claim, judged on the slots and the requests as read (slots first): one never claimed, or one whose holder no
 * longer waits for its code (confirmed, closed, past its deadline), so confirmation and expiry free a slot
 * without a write of their own. `previous` is the holder the claim is conditioned on. A random free slot,
 * so parallel requests collide less. Undefined when every slot is held: the cap is reached.
 */
export function freeUnconfirmedSlot(
  slots: readonly { slot: number; holder: string }[],
  existing: readonly StoredPrivacyRequest[],
  now: Date,
  random: () => number = Math.random,
): { slot: number; previous?: string } | undefined {
  const waiting = new Set(existing.filter((r) => waitsForCode(r, now)).map((r) => r.requestId));
  const free: { slot: number; previous?: string }[] = [];
  for (let slot = 0; slot < policy.requests.maxUnconfirmedPerLicensee; slot++) {
    const claimed = slots.find((s) => s.slot === slot);
    if (!claimed) free.push({ slot });
    else if (!waiting.has(claimed.holder)) free.push({ slot, previous: claimed.holder });
  }
  return free[Math.floor(random() * free.length)];
}

/** The most recent request still waiting for its code: beyond the cap its code is the one mailed again. */
export function newestWaitingForCode(
  existing: readonly StoredPrivacyRequest[],
  now: Date,
): StoredPrivacyRequest | undefined {
  return existing
    .filter((r) => waitsForCode(r, now))
    .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))[0];
}

/**
 * Values of the sparse `openRequests` index (partition `openShard`, sort `dueAt`). Staff tools list `OPEN`
 * by deadline; the hygiene job reads `UNCONFIRMED` (reminders, closing) and `RETRY` (finished requests
 * whose last mail still failed); the staff inbox is `INBOX`. A request that is done carries none.
 */
export const openShards = {
  open: 'OPEN',
  unconfirmed: 'UNCONFIRMED',
  retry: 'RETRY',
  inbox: 'INBOX',
} as const;

export function openShardOf(
  request: Pick<StoredPrivacyRequest, 'status' | 'pendingStep'>,
): string | undefined {
  if (request.status === 'awaiting-confirmation') return openShards.unconfirmed;
  if (request.status === 'open' || request.status === 'awaiting-staff-approval') return openShards.open;
  if (request.pendingStep) return openShards.retry;
  return undefined;
}

/** Moves a request to `status` and records it in its history. */
export function transition(
  request: StoredPrivacyRequest,
  status: PrivacyRequestStatus,
  at: Date,
): StoredPrivacyRequest {
  if (request.status === status) return request;
  return { ...request, status, history: [...request.history, { at: at.toISOString(), status }] };
}

/** What a confirmed (or signed-in) request becomes, before its effect is applied. */
export function statusAfterVerification(type: PrivacyRequestType): PrivacyRequestStatus {
  switch (type) {
    case 'overview':
    case 'correction':
    case 'marketing-opt-out':
      return 'completed';
    case 'deletion':
      return 'awaiting-staff-approval';
    case 'question':
    case 'complaint':
      return 'open';
  }
}

/** Human reference quoted in mails and the confirm link: `P-` and eight Crockford base-32 characters. */
const referenceAlphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export function newReference(): string {
  let out = 'P-';
  for (let i = 0; i < 8; i++) out += referenceAlphabet[randomInt(0, referenceAlphabet.length)];
  return out;
}
export const referenceSchema = /* @__PURE__ */ schema(() =>
  z
    .string()
    .check(z.trim(), z.toUpperCase(), z.regex(/^P-[0-9A-HJKMNP-TV-Z]{8}$/, { message: 'invalid-format' })),
);

export const requestConfirmationSalt = (requestId: string) => `privacy-request:${requestId}`;

/** Message text of a web request (mail text is cut to the same size). */
export const maxMessageLength = 5000;

const typeError = (issue: { input?: unknown }) => (issue.input === undefined ? 'required' : 'invalid-format');
const requestTypeSchema = /* @__PURE__ */ schema(() => z.enum(requestTypes, { error: typeError }));
/** Free text of several lines: trimmed, NFC, no control characters other than line breaks and tabs. */
const messageSchema = /* @__PURE__ */ schema(() =>
  z.optional(
    z.string({ error: typeError }).check(
      z.trim(),
      z.normalize('NFC'),
      z.maxLength(maxMessageLength, { message: 'too-long' }),
      z.refine((s) => honestText(s), { message: 'invalid-characters', abort: true }),
      z.refine((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u2028\u2029]/.test(s), {
        message: 'invalid-format',
      }),
      // ZorgSom takes no patient data: a message with a date of birth, a named patient, a diagnosis or
      // medication is sent back with a field error asking to leave it out (patient-text.ts).
      z.refine((s) => !looksLikePatientData(s, 'text'), { message: 'patient-data-text' }),
    ),
  ),
);

/** POST /api/privacy-requests (signed in). */
export const requestBodySchema = /* @__PURE__ */ schema(() =>
  z.strictObject({ type: requestTypeSchema, message: messageSchema }, { error: typeError }),
);
/** POST /api/privacy-requests/by-email (anyone; same rules as mail). */
export const byEmailRequestBodySchema = /* @__PURE__ */ schema(() =>
  z.strictObject(
    { email: emailSchema, type: requestTypeSchema, message: messageSchema },
    { error: typeError },
  ),
);
/** POST /api/privacy-requests/confirm: the reference and code from the confirmation mail. */
export const confirmRequestBodySchema = /* @__PURE__ */ schema(() =>
  z.strictObject({ reference: referenceSchema, code: codeSchema }, { error: typeError }),
);
