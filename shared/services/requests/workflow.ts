import { languageOf } from '../../domain/records.js';
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { systemActor, type AuditActor } from '../../domain/audit.js';
import { issueCode } from '../../domain/one-time-code.js';
import {
  confirmByOf,
  dueDateOf,
  findLinkTarget,
  freeUnconfirmedSlot,
  linkableTypes,
  maxMessageLength,
  newReference,
  newestWaitingForCode,
  requestConfirmationSalt,
  statusAfterVerification,
  transition,
  viewOfRequest,
  type PrivacyRequestStatus,
  type PrivacyRequestType,
  type RequestChannel,
  type RequestErrorCode,
  type RequestView,
  type StoredPrivacyRequest,
} from '../../domain/privacy-request.js';
import { ConcurrentUpdateError, ProblemError, retryOnConflict } from '../../domain/problem-error.js';
import { judgeGuess } from '../code-guard.js';
import { loadProfile } from '../self-service.js';
import { invalidCode } from '../session.js';
import type { OutgoingMail } from '../ports.js';
import type { RequestDeps } from './request-deps.js';
import * as requestMails from './request-mails.js';
import { confirmLinkOf, type MailContext } from './request-mails.js';

/**
 * Every state change of a privacy request lives here, whoever causes it (the licensee on the web, mail
 * intake, the hygiene job, later staff tools): each takes an `actor`, and each change is saved together
 * with its audit event. Side effects (a mail, the opt-out) are steps kept on the request until they
 * succeed, so a failure is visible (`lastError`) and a retry resumes exactly there.
 */

const purpose = 'privacy-request';

/**
 * An automatic reply to an inbound mail: sent to the sender's address (which has the same blind index as
 * the address on record, so it *is* that address) and subject to the RFC 3834 throttle.
 */
export interface MailReply {
  address: string;
  emailIndex: string;
  messageId: string;
}

export interface NewRequest {
  licenseeId: string;
  type: PrivacyRequestType;
  channel: RequestChannel;
  /** The sender's own text; dropped when `patientData` is set. */
  message?: string;
  patientData?: boolean;
  /**
   * Why the request may proceed without a mailed code: a session (signed in), an opt-out by mail whose
   * sender passed SPF/DKIM with DMARC and matched the address on record, or the signed "this was not me"
   * link of a notice mailed to the previous address. `none` waits for the code.
   */
  verifiedBy: 'session' | 'sender-authenticated' | 'notice-link' | 'none';
  actor: AuditActor;
  reply?: MailReply;
  sourceMessageId?: string;
  s3Objects?: string[];
  /** Written in the same transaction (the intake record's pointer to the request). */
  also?: (request: StoredPrivacyRequest) => TransactWriteItem[];
  /**
   * Staff turning a mail they read into a request: not held to the cap of unconfirmed requests, which keeps
   * strangers (the by-email form, a spoofed From) from making codes for someone else's address.
   */
  exemptFromUnconfirmedCap?: true;
  /**
   * Runs before each retry after a lost race; throws to stop retrying when the race was lost to something
   * that a retry cannot win (a once-marker or an item version in `also`), so parallel losers answer at once
   * instead of spending every retry on a condition that will never pass.
   */
  beforeRetry?: () => Promise<void>;
}

/**
 * `policy.requests.maxUnconfirmedPerLicensee` requests already wait for their code: nothing new was stored.
 * Carries the newest of them, whose code the caller may mail again (`resendConfirmation`).
 */
export class UnconfirmedCapReachedError extends Error {
  override name = 'UnconfirmedCapReachedError';
  constructor(readonly newest: StoredPrivacyRequest | undefined) {
    super('unconfirmed request cap reached');
  }
}

/** A failed side effect, with the code shown on the request. */
class StepError extends Error {
  override name = 'StepError';
  constructor(
    readonly code: RequestErrorCode,
    readonly causeName: string,
  ) {
    super(code);
  }
}

async function step<T>(code: RequestErrorCode, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    throw new StepError(code, error instanceof Error ? error.name : 'unknown');
  }
}

function auditItem(
  deps: RequestDeps,
  actor: AuditActor,
  request: StoredPrivacyRequest,
  action: string,
  details: Record<string, string | number | boolean> = {},
): TransactWriteItem {
  return deps.audit.transactItem({
    actor,
    action,
    licenseeId: request.licenseeId,
    subjectId: request.requestId,
    details: { type: request.type, channel: request.channel, status: request.status, ...details },
  }).item;
}

async function save(
  deps: RequestDeps,
  previous: StoredPrivacyRequest,
  next: Omit<StoredPrivacyRequest, 'version'>,
  audit: TransactWriteItem[] = [],
): Promise<StoredPrivacyRequest> {
  const saved = { ...next, version: previous.version + 1 };
  await deps.requests.saveRequest(saved, previous.version, audit);
  return saved;
}

async function addressOnRecord(deps: RequestDeps, licenseeId: string, reply: MailReply | undefined) {
  if (reply) return reply.address;
  const { pii } = await step('kms-error', () => loadProfile(deps, licenseeId));
  return pii.data.email;
}

/**
 * What a request's mail needs: the address, the reference, and the licensee's language as it is now (a
 * preference changed since the request was made applies to its next mail).
 */
async function mailContext(
  deps: RequestDeps,
  request: StoredPrivacyRequest,
  to: string,
  reply: MailReply | undefined,
): Promise<MailContext> {
  const profile = await deps.repo.getProfile(request.licenseeId);
  return {
    to,
    reference: request.reference,
    type: request.type,
    patientData: request.patientDataWithheld === true,
    language: profile ? languageOf(profile) : 'nl',
    ...(reply ? { inResponseTo: reply.messageId } : {}),
  };
}

/**
 * A mail as one item of the transaction that records the state it reports, so the mail exists exactly when
 * that state does. Keyed by the request and its new version: a retry of a failed save writes the same mail.
 */
async function mailItem(
  deps: RequestDeps,
  request: StoredPrivacyRequest,
  mail: OutgoingMail,
): Promise<TransactWriteItem> {
  return step('mail-not-sent', () =>
    deps.mailer.outboxItem({
      ...mail,
      idempotencyKey: `request:${request.requestId}:v${request.version + 1}:${mail.template ?? 'mail'}`,
    }),
  );
}

/** The marketing opt-out itself: idempotent, needs no decryption, audited with the request it serves. */
async function applyOptOut(
  deps: RequestDeps,
  request: StoredPrivacyRequest,
  actor: AuditActor,
): Promise<void> {
  const changed = await retryOnConflict(async () => {
    const profile = await deps.repo.getProfile(request.licenseeId);
    if (!profile || profile.marketingOptOut) return false;
    await deps.repo.saveProfile(
      { ...profile, marketingOptOut: true, version: profile.version + 1 },
      profile.version,
    );
    return true;
  });
  if (!changed) return;
  await deps.audit.record({
    actor,
    action: 'marketing.opted-out',
    licenseeId: request.licenseeId,
    subjectId: request.requestId,
    details: { channel: request.channel },
  });
  deps.count('MarketingOptOuts');
}

/** Issues a code (valid until the request would be closed), stores its hash, then mails it. */
async function sendConfirmation(
  deps: RequestDeps,
  request: StoredPrivacyRequest,
  reply: MailReply | undefined,
  reminder: boolean,
  /**
   * Spend the recipient's day budget in the transaction that replaces the code: over budget, nothing is
   * written and the code already mailed stays valid (a ConcurrentUpdateError). For repeats a stranger can
   * trigger; a request's first code leaves through the outbox, whose sender applies the same budget.
   */
  budgetOf?: string,
): Promise<StoredPrivacyRequest> {
  const now = deps.clock();
  const to = await addressOnRecord(deps, request.licenseeId, reply);
  const issued = await issueCode(
    deps.codeMac,
    request.confirmation,
    requestConfirmationSalt(request.requestId),
    now,
  );
  if (!issued.issued) {
    deps.count('CodesRateLimited');
    return save(deps, request, { ...request, pendingStep: undefined });
  }
  const validUntil = request.confirmBy ?? confirmByOf(now).toISOString();
  const next = {
    ...request,
    confirmation: { ...issued.state, expiresAt: validUntil },
    pendingStep: undefined,
    lastError: undefined,
    failedAttempts: undefined,
    ...(reminder ? { reminderSentAt: now.toISOString() } : {}),
  };
  // The code's hash and the mail carrying it are written together: no code without its mail, and back.
  const confirmation = requestMails.confirmation(await mailContext(deps, request, to, reply), {
    code: issued.code,
    link: confirmLinkOf(deps.portalUrl, request.reference, issued.code),
    validUntil,
    reminder,
  });
  const mail = budgetOf
    ? await step('mail-not-sent', () => deps.mailer.budgetedOutboxItems(confirmation, budgetOf))
    : [await mailItem(deps, request, confirmation)];
  return save(deps, request, next, mail);
}

/**
 * Mails a waiting request's code again (a repeat of it, or a request beyond the cap): a fresh code within
 * the request's hourly code limit, its mail spent from the address's day budget with it. Over either limit,
 * or when a parallel repeat was first, nothing changes and the code already mailed stands.
 */
export async function resendConfirmation(
  deps: RequestDeps,
  request: StoredPrivacyRequest,
  emailIndex: string,
  reply?: MailReply,
): Promise<void> {
  try {
    await sendConfirmation(deps, request, reply, false, emailIndex);
  } catch (error) {
    if (!(error instanceof ConcurrentUpdateError || error instanceof StepError)) throw error;
    deps.count('CodesRateLimited');
  }
}

/**
 * A failed step is recorded on the request (`lastError`, `failedAttempts`) so a retry resumes there; any other
 * error is rethrown. The latest state carries it: a code hash may have been stored just before a mail failed.
 */
async function recordFailure(
  deps: RequestDeps,
  request: StoredPrivacyRequest,
  error: unknown,
  resume: Partial<Pick<StoredPrivacyRequest, 'pendingStep'>> = {},
): Promise<StoredPrivacyRequest> {
  if (!(error instanceof StepError)) throw error;
  deps.count('PrivacyRequestStepFailures');
  const latest = (await deps.requests.getRequest(request.licenseeId, request.requestId)) ?? request;
  return save(deps, latest, {
    ...latest,
    ...resume,
    lastError: error.code,
    failedAttempts: (latest.failedAttempts ?? 0) + 1,
  });
}

/**
 * Runs the request's pending steps until none is left or one fails. A failure is recorded on the request
 * (`lastError`, `failedAttempts`) and the request returned as it stands; it never throws for a failed step.
 */
export async function advance(
  deps: RequestDeps,
  start: StoredPrivacyRequest,
  actor: AuditActor,
  reply?: MailReply,
): Promise<StoredPrivacyRequest> {
  let request = start;
  for (let conflicts = 0; ; conflicts++) {
    try {
      while (request.pendingStep) {
        switch (request.pendingStep) {
          case 'send-confirmation':
            request = await sendConfirmation(deps, request, reply, false);
            break;
          case 'apply': {
            if (request.type === 'marketing-opt-out')
              await step('storage-error', () => applyOptOut(deps, request, actor));
            const status = statusAfterVerification(request.type);
            const next = { ...transition(request, status, deps.clock()), pendingStep: 'notify' as const };
            request = await save(deps, request, next, [
              auditItem(deps, actor, next, `privacy-request.${status}`),
            ]);
            break;
          }
          case 'notify': {
            const to = await addressOnRecord(deps, request.licenseeId, reply);
            const mail = await mailItem(
              deps,
              request,
              requestMails.outcome(await mailContext(deps, request, to, reply), {
                portalUrl: deps.portalUrl,
                dueAt: request.dueAt,
              }),
            );
            request = await save(
              deps,
              request,
              { ...request, pendingStep: undefined, lastError: undefined, failedAttempts: undefined },
              [mail],
            );
            break;
          }
        }
      }
      return request;
    } catch (error) {
      // Another writer changed the request meanwhile (a repeat mailing its code again): go on from its state.
      if (error instanceof ConcurrentUpdateError && conflicts < maxStepConflicts) {
        request = (await deps.requests.getRequest(request.licenseeId, request.requestId)) ?? request;
        continue;
      }
      return recordFailure(deps, request, error);
    }
  }
}

/** Lost races one `advance` re-reads after before it gives up (the caller then sees the conflict). */
const maxStepConflicts = 3;

async function sealMessage(deps: RequestDeps, licenseeId: string, text: string): Promise<Uint8Array> {
  return step('kms-error', () =>
    deps.envelope.encrypt(new TextEncoder().encode(text.slice(0, maxMessageLength)), { licenseeId, purpose }),
  );
}

/** Decrypts a request's message (staff tools; the context binds it to its licensee and purpose). */
export async function openMessage(
  deps: RequestDeps,
  request: StoredPrivacyRequest,
): Promise<string | undefined> {
  if (!request.message) return undefined;
  return new TextDecoder().decode(
    await deps.envelope.decrypt(request.message, { licenseeId: request.licenseeId, purpose }),
  );
}

/**
 * Records a new request and runs what it can: a verified one proceeds at once, any other waits for the
 * code mailed to the address on record, and one that repeats an unfinished request of the same type is
 * linked to it instead of worked twice. Throws `UnconfirmedCapReachedError` for one that would wait for a
 * code while `policy.requests.maxUnconfirmedPerLicensee` others already do.
 */
export async function createRequest(deps: RequestDeps, input: NewRequest): Promise<StoredPrivacyRequest> {
  // A lost race for the open-request slot (a parallel request of the same type became the unfinished one)
  // is retried from the start, and then finds that request to link to.
  const { request, target } = await retryOnConflict(async (attempt) => {
    if (attempt > 0) await input.beforeRetry?.();
    return writeNewRequest(deps, input);
  });
  deps.count(target ? 'PrivacyRequestsLinked' : 'PrivacyRequests');
  return advance(deps, request, input.actor, input.reply);
}

async function writeNewRequest(
  deps: RequestDeps,
  input: NewRequest,
): Promise<{ request: StoredPrivacyRequest; target?: StoredPrivacyRequest }> {
  const now = deps.clock();
  const linkable = linkableTypes.has(input.type);
  // The slot before the list: should another request claim the slot after this read, the put below fails.
  const slot = linkable ? await deps.requests.openRequestSlot(input.licenseeId, input.type) : undefined;
  const unconfirmedSlots =
    input.verifiedBy === 'none' ? await deps.requests.unconfirmedSlots(input.licenseeId) : undefined;
  const existing = await deps.requests.listRequests(input.licenseeId);
  const target = findLinkTarget(existing, input.type);
  const verified = input.verifiedBy !== 'none';
  // A request that will wait for a code claims one of the licensee's few slots for such requests (read
  // before the list, like the open-request slot): with every slot held, nothing new is stored.
  const capped = !target && !verified && !input.exemptFromUnconfirmedCap;
  const unconfirmedSlot = capped ? freeUnconfirmedSlot(unconfirmedSlots ?? [], existing, now) : undefined;
  if (capped && !unconfirmedSlot) {
    deps.count('PrivacyRequestsCapped');
    throw new UnconfirmedCapReachedError(newestWaitingForCode(existing, now));
  }
  const status: PrivacyRequestStatus = target ? 'linked' : verified ? 'open' : 'awaiting-confirmation';
  const text = input.patientData ? undefined : input.message?.trim();

  const request: StoredPrivacyRequest = {
    requestId: deps.newId(),
    reference: newReference(),
    licenseeId: input.licenseeId,
    type: input.type,
    channel: input.channel,
    status,
    receivedAt: now.toISOString(),
    dueAt: dueDateOf(now).toISOString(),
    history: [{ at: now.toISOString(), status }],
    ...(target ? { linkedTo: target.requestId } : {}),
    ...(text ? { message: await sealMessage(deps, input.licenseeId, text) } : {}),
    ...(input.patientData ? { patientDataWithheld: true } : {}),
    ...(status === 'awaiting-confirmation' ? { confirmBy: confirmByOf(now).toISOString() } : {}),
    ...(input.s3Objects?.length ? { s3Objects: input.s3Objects } : {}),
    ...(input.sourceMessageId ? { sourceMessageId: input.sourceMessageId } : {}),
    ...(input.verifiedBy === 'sender-authenticated' ? { senderAuthenticated: true } : {}),
    ...(target ? {} : { pendingStep: verified ? ('apply' as const) : ('send-confirmation' as const) }),
    version: 1,
  };
  // Linking is never silent: a mailed repeat is told the existing reference, in the same transaction.
  const linkedMail =
    target && input.reply
      ? [
          await deps.mailer.outboxItem({
            ...requestMails.linked(await mailContext(deps, request, input.reply.address, input.reply), {
              existing: target,
            }),
            idempotencyKey: `request:${request.requestId}:linked`,
          }),
        ]
      : [];
  await deps.requests.createRequest(request, {
    // Confirmation links and staff both find a request by its reference.
    withReference: true,
    also: [
      auditItem(deps, input.actor, request, 'privacy-request.received', {
        verifiedBy: input.verifiedBy,
        ...(target ? { linkedTo: target.requestId } : {}),
      }),
      ...linkedMail,
      ...(linkable && !target
        ? [deps.requests.openRequestSlotItem(input.licenseeId, input.type, request.requestId, slot)]
        : []),
      ...(unconfirmedSlot
        ? [
            deps.requests.unconfirmedSlotItem(
              input.licenseeId,
              unconfirmedSlot.slot,
              request.requestId,
              unconfirmedSlot.previous,
            ),
          ]
        : []),
      ...(input.also?.(request) ?? []),
    ],
  });
  return { request, ...(target ? { target } : {}) };
}

/**
 * Confirms a request with the mailed code (web form; the link carries reference and code in its fragment).
 * The attempt is spent before the guess is judged; the right code for an already confirmed request just
 * shows it again.
 */
export async function confirmRequest(
  deps: RequestDeps,
  input: { reference: string; code: string },
): Promise<RequestView> {
  const pointer = await deps.requests.findByReference(input.reference);
  const spent = await judgeGuess(deps, input.code, {
    load: async () => {
      const request = pointer && (await deps.requests.getRequest(pointer.licenseeId, pointer.requestId));
      return request?.confirmation
        ? { record: request, code: request.confirmation, salt: requestConfirmationSalt(request.requestId) }
        : undefined;
    },
    saveSpent: (request, confirmation) => save(deps, request, { ...request, confirmation }),
  });
  if (!spent?.confirmation) throw invalidCode(deps);
  const judged = spent.confirmation.codeHash;

  const actor: AuditActor = { kind: 'licensee', id: spent.licenseeId };
  const saved = await retryOnConflict(async (attempt) => {
    const request = attempt === 0 ? spent : await deps.requests.getRequest(spent.licenseeId, spent.requestId);
    if (!request || request.confirmation?.codeHash !== judged) throw invalidCode(deps);
    if (request.status !== 'awaiting-confirmation') return undefined;
    const opened = { ...transition(request, 'open', deps.clock()), pendingStep: 'apply' as const };
    return save(deps, request, opened, [auditItem(deps, actor, opened, 'privacy-request.confirmed')]);
  });
  if (!saved) {
    const current = await deps.requests.getRequest(spent.licenseeId, spent.requestId);
    return viewOfRequest(current ?? spent);
  }
  deps.count('PrivacyRequestsConfirmed');
  return viewOfRequest(await advance(deps, saved, actor));
}

/** A signed-in licensee's request: the session is the verification, so it proceeds at once. */
export async function submitSignedIn(
  deps: RequestDeps,
  licenseeId: string,
  body: { type: PrivacyRequestType; message?: string },
): Promise<RequestView> {
  const request = await createRequest(deps, {
    licenseeId,
    type: body.type,
    channel: 'web',
    message: body.message,
    verifiedBy: 'session',
    actor: { kind: 'licensee', id: licenseeId },
  });
  return viewOfRequest(request);
}

/**
 * The web form without a session, by email address: the same rules as mail. A registered address gets a
 * confirmation; any other a neutral mail on how to ask (at most one per window). Beyond the cap of requests
 * waiting for a code, the newest one's code is mailed again instead; a race lost to a parallel request ends
 * here too. The route answered 202 before this ran (its worker runs it: shared/services/requests/by-email.ts),
 * so it reveals nobody's licence. With `submissionId` (the worker's), a submission worked twice (Lambda delivers
 * an event at least once; a redrive from the dead-letter queue) stores its request once: a once-marker in the
 * request's transaction, and a lost race stops at the request the first run stored.
 */
export async function submitByEmail(
  deps: RequestDeps,
  body: { email: string; type: PrivacyRequestType; message?: string },
  submissionId?: string,
): Promise<void> {
  const emailIndex = await deps.blindIndex.of(body.email);
  const owner = await deps.repo.findEmailOwner(emailIndex);
  const profile = owner && (await deps.repo.getProfile(owner.licenseeId));
  const sourceMessageId = `web:${submissionId ?? deps.newId()}`;
  const webReply: MailReply = { address: body.email, emailIndex, messageId: sourceMessageId };
  if (!profile || profile.status === 'pending') {
    // One per window to an address we do not know (the sending policy): the form cannot bomb a stranger.
    await deps.mailer.send(
      requestMails.unknownSender({
        to: body.email,
        portalUrl: deps.portalUrl,
        patientData: false,
        inResponseTo: webReply.messageId,
      }),
    );
    return;
  }
  let request: StoredPrivacyRequest;
  try {
    request = await createRequest(deps, {
      licenseeId: profile.licenseeId,
      type: body.type,
      channel: 'web',
      message: body.message,
      verifiedBy: 'none',
      actor: systemActor('privacy-requests'),
      // The typed address has the blind index of the address on record: it is that address.
      reply: undefined,
      ...(submissionId ? onceForSubmission(deps, profile.licenseeId, sourceMessageId) : {}),
    });
  } catch (error) {
    if (error instanceof UnconfirmedCapReachedError) {
      if (error.newest) await resendConfirmation(deps, error.newest, emailIndex);
      return;
    }
    // Lost every retry to parallel requests for this licensee: theirs stand, and the answer is the same.
    if (
      error instanceof ConcurrentUpdateError ||
      (error instanceof ProblemError && error.code === 'conflict')
    )
      return;
    throw error;
  }
  if (request.status === 'linked' && request.linkedTo) {
    // Asking again for an unconfirmed request sends its code again (codes are rate-limited per hour).
    const target = await deps.requests.getRequest(profile.licenseeId, request.linkedTo);
    if (target?.status === 'awaiting-confirmation') await resendConfirmation(deps, target, emailIndex);
  }
}

/** A by-email submission stores at most one request, however often its worker runs it. */
function onceForSubmission(
  deps: RequestDeps,
  licenseeId: string,
  sourceMessageId: string,
): Pick<NewRequest, 'sourceMessageId' | 'also' | 'beforeRetry'> {
  return {
    sourceMessageId,
    also: () => [deps.requests.onceItem(licenseeId, sourceMessageId)],
    // Lost to the first run of the same submission: no retry can win, and its request stands (a conflict,
    // which the caller ends quietly).
    beforeRetry: async () => {
      const stored = await deps.requests.listRequests(licenseeId);
      if (stored.some((request) => request.sourceMessageId === sourceMessageId))
        throw new ProblemError(409, 'conflict');
    },
  };
}

/** The licensee's own requests, newest first. */
export async function listMyRequests(
  deps: RequestDeps,
  licenseeId: string,
): Promise<{ requests: RequestView[] }> {
  const requests = await deps.requests.listRequests(licenseeId);
  return {
    requests: requests.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt)).map(viewOfRequest),
  };
}

/**
 * Hygiene: one reminder, with a fresh code, for a request still unconfirmed after the reminder delay. A
 * failed send leaves the step pending with its error, for the next run to retry.
 */
export async function remind(
  deps: RequestDeps,
  request: StoredPrivacyRequest,
): Promise<StoredPrivacyRequest> {
  try {
    const sent = await sendConfirmation(deps, request, undefined, true);
    deps.count('PrivacyRequestReminders');
    return sent;
  } catch (error) {
    return recordFailure(deps, request, error, { pendingStep: 'send-confirmation' });
  }
}

/** Hygiene: closes a request that was never confirmed. */
export async function closeUnconfirmed(
  deps: RequestDeps,
  request: StoredPrivacyRequest,
): Promise<StoredPrivacyRequest> {
  const actor = systemActor('request-hygiene');
  const closed = transition(request, 'closed-unconfirmed', deps.clock());
  const { confirmation: _code, pendingStep: _step, ...rest } = closed;
  const saved = await save(deps, request, rest, [
    auditItem(deps, actor, closed, 'privacy-request.closed-unconfirmed'),
  ]);
  deps.count('PrivacyRequestsClosedUnconfirmed');
  return saved;
}
