import { languageOf } from '../../domain/records.js';
import { createHash } from 'node:crypto';
import { RawMailMissingError } from '../../adapters/raw-mail-store.js';
import type { IntakeRecord } from '../../adapters/request-repository.js';
import { systemActor } from '../../domain/audit.js';
import { addDays, epochSeconds } from '../../domain/dates.js';
import {
  mailContainsPatientData,
  ownText,
  routeOf,
  senderAuthenticated,
  type InboundMail,
  type MailRoute,
  type Verdicts,
} from '../../domain/mail-classification.js';
import { policy } from '../../domain/policy.js';
import { dueDateOf, maxMessageLength, type StoredPrivacyRequest } from '../../domain/privacy-request.js';
import type { MailIntakeDeps } from '../requests/request-deps.js';
import * as requestMails from '../requests/request-mails.js';
import {
  createRequest,
  advance,
  resendConfirmation,
  UnconfirmedCapReachedError,
  type MailReply,
} from '../requests/workflow.js';
import { parseInbound } from './parse.js';

/** One delivery of SES's Lambda action: the verdicts and where the S3 action put the raw message. */
export interface InboundDelivery {
  messageId: string;
  verdicts: Verdicts;
  /** SES `mail.source`: the SMTP envelope sender ('' for a bounce). */
  envelopeSender: string;
  objectKey: string;
}

/** What became of a mail: ids and kinds only, safe to log and to keep on the intake record. */
export type IntakeOutcome =
  | 'duplicate'
  | `quarantined-${'virus' | 'spam'}`
  | `automatic-${string}`
  | `request-${string}`
  | 'unknown-sender'
  | 'no-sender'
  | 'general'
  | 'raw-mail-missing';

/** Another invocation holds this message's lease; throwing makes Lambda retry later, so nothing is lost. */
export class MailBusyError extends Error {
  override name = 'MailBusyError';
}

/** A step of the request failed (its error is on the request); throwing makes Lambda retry the mail. */
export class RequestStepPendingError extends Error {
  override name = 'RequestStepPendingError';
}

const actor = systemActor('mail-intake');
const leaseSeconds = 120;

/** A stable staff-inbox reference for a message, so a redelivery acknowledges with the same one. */
function inboxReference(messageId: string): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const digest = createHash('sha256').update(messageId).digest();
  let out = 'M-';
  for (let i = 0; i < 8; i++) out += alphabet[(digest[i] ?? 0) % 32];
  return out;
}

/**
 * Handles one inbound mail, idempotently by SES message id: a redelivered message that was handled is a
 * `duplicate`; one whose earlier attempt failed resumes (an intake record remembers the request it made).
 * Throws when something must be retried; the caller (Lambda's async retries, then the DLQ) keeps it.
 */
export async function processInboundMail(
  deps: MailIntakeDeps,
  delivery: InboundDelivery,
): Promise<IntakeOutcome> {
  const expiresAt = epochSeconds(addDays(deps.clock(), policy.retention.rawMailDays));
  const claim = await deps.requests.claimMail(delivery.messageId, leaseSeconds, expiresAt);
  if (!claim.claimed) {
    if (claim.record?.status === 'done') return 'duplicate';
    throw new MailBusyError('message is being processed');
  }
  let record = claim.record;
  try {
    const outcome = await handle(deps, delivery, record, (next) => {
      record = next;
    });
    await deps.requests.saveMail({ ...record, status: 'done', outcome, leaseUntil: 0, lastError: undefined });
    return outcome;
  } catch (error) {
    // Release the lease so Lambda's retry can resume at once; keep only the error's class.
    await deps.requests
      .saveMail({ ...record, leaseUntil: 0, lastError: error instanceof Error ? error.name : 'unknown' })
      .catch(() => undefined);
    throw error;
  }
}

async function handle(
  deps: MailIntakeDeps,
  delivery: InboundDelivery,
  record: IntakeRecord,
  setRecord: (record: IntakeRecord) => void,
): Promise<IntakeOutcome> {
  deps.count('MailsReceived');
  const { verdicts, objectKey } = delivery;

  // Quarantine is decided on the verdicts alone: the message is not even parsed.
  if (verdicts.virus === 'FAIL' || verdicts.spam === 'FAIL') {
    await deps.rawMail.markShortRetention(objectKey);
    deps.count('MailsQuarantined');
    return verdicts.virus === 'FAIL' ? 'quarantined-virus' : 'quarantined-spam';
  }

  let raw: Buffer;
  try {
    raw = await deps.rawMail.get(objectKey);
  } catch (error) {
    // Only when the lifecycle already removed it (a DLQ redrive long after the fact): nothing left to do.
    if (error instanceof RawMailMissingError) return 'raw-mail-missing';
    throw error;
  }
  const mail = await parseInbound(raw, delivery.envelopeSender);
  const route = routeOf(mail, verdicts);
  const patientData = mailContainsPatientData(mail);
  if (patientData) deps.count('MailsWithPatientData');

  const outcome = await act(deps, delivery, mail, route, patientData, record, setRecord);

  if (patientData) {
    // The request stands without the text; the raw message goes now (the tag is the lifecycle backstop).
    await deps.rawMail.markShortRetention(objectKey);
    await deps.rawMail.delete(objectKey);
  }
  return outcome;
}

async function act(
  deps: MailIntakeDeps,
  delivery: InboundDelivery,
  mail: InboundMail,
  route: MailRoute,
  patientData: boolean,
  record: IntakeRecord,
  setRecord: (record: IntakeRecord) => void,
): Promise<IntakeOutcome> {
  if (route.kind === 'quarantine') return `quarantined-${route.reason}`;
  if (route.kind === 'automatic') {
    // RFC 3834: never answered, never acted on.
    deps.count('MailsAutomatic');
    return `automatic-${route.reason}`;
  }
  if (!mail.from) return 'no-sender';

  const emailIndex = await deps.blindIndex.of(mail.from);
  const owner = await deps.repo.findEmailOwner(emailIndex);
  const profile = owner && (await deps.repo.getProfile(owner.licenseeId));
  const licenseeId = profile && profile.status !== 'pending' ? profile.licenseeId : undefined;
  const reply: MailReply = { address: mail.from, emailIndex, messageId: delivery.messageId };

  if (route.kind === 'general') {
    const now = deps.clock();
    const item = {
      itemId: delivery.messageId,
      reference: inboxReference(delivery.messageId),
      status: 'open' as const,
      receivedAt: now.toISOString(),
      dueAt: dueDateOf(now).toISOString(),
      s3Objects: [delivery.objectKey],
      ...(licenseeId ? { licenseeId } : { expiresAt: record.expiresAt }),
      ...(patientData ? { patientDataWithheld: true } : {}),
    };
    const existing = await deps.inbox.get(licenseeId, delivery.messageId);
    if (!existing) await deps.inbox.putNew({ ...item, version: 0 });
    const reference = existing?.reference ?? item.reference;
    await deps.mailer.send({
      ...requestMails.generalAcknowledgement({
        to: mail.from,
        reference,
        dueAt: existing?.dueAt ?? item.dueAt,
        patientData,
        inResponseTo: delivery.messageId,
        // A licensee's own language; both to a sender we do not know.
        language: profile && licenseeId ? languageOf(profile) : 'nl+en',
      }),
      idempotencyKey: `inbound:${delivery.messageId}:acknowledgement`,
    });
    return 'general';
  }

  if (!licenseeId) {
    await deps.mailer.send({
      ...requestMails.unknownSender({
        to: mail.from,
        portalUrl: deps.portalUrl,
        patientData,
        inResponseTo: delivery.messageId,
      }),
      idempotencyKey: `inbound:${delivery.messageId}:unknown-sender`,
    });
    return 'unknown-sender';
  }

  // A retry after a failure resumes the request the first attempt made.
  if (record.requestId) {
    const existing = await deps.requests.getRequest(licenseeId, record.requestId);
    if (existing) {
      const resumed = existing.pendingStep ? await advance(deps, existing, actor, reply) : existing;
      if (resumed.pendingStep && resumed.lastError) throw new RequestStepPendingError(resumed.lastError);
      return `request-${resumed.type}`;
    }
  }

  const authenticated = route.type === 'marketing-opt-out' && senderAuthenticated(delivery.verdicts);
  const request = await createMailedRequest(deps, {
    licenseeId,
    type: route.type,
    channel: 'email',
    message: `${mail.subject}\n\n${ownText(mail.text)}`.slice(0, maxMessageLength),
    patientData,
    verifiedBy: authenticated ? 'sender-authenticated' : 'none',
    actor,
    reply,
    sourceMessageId: delivery.messageId,
    s3Objects: [delivery.objectKey],
    also: (created) => {
      const next = { ...record, licenseeId, requestId: created.requestId };
      setRecord(next);
      return [deps.requests.intakeItem(next)];
    },
  });
  if (request === 'capped') return 'request-capped';
  if (request.pendingStep && request.lastError) throw new RequestStepPendingError(request.lastError);
  return `request-${request.type}`;
}

/**
 * A mailed request, unless the licensee already has the cap of requests waiting for a code (a spoofed From
 * can fill it as easily as the web form): then nothing new is stored and the newest waiting request's code is
 * mailed again, within its limits (policy.requests.maxUnconfirmedPerLicensee).
 */
async function createMailedRequest(
  deps: MailIntakeDeps,
  input: Parameters<typeof createRequest>[1] & { reply: MailReply },
): Promise<StoredPrivacyRequest | 'capped'> {
  try {
    return await createRequest(deps, input);
  } catch (error) {
    if (!(error instanceof UnconfirmedCapReachedError)) throw error;
    if (error.newest) await resendConfirmation(deps, error.newest, input.reply.emailIndex, input.reply);
    return 'capped';
  }
}
