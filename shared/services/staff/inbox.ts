import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import type { InboxItem, InboxRepository } from '../../adapters/inbox-repository.js';
import { RawMailMissingError, type RawMailStore } from '../../adapters/raw-mail-store.js';
import type { AuditActor } from '../../domain/audit.js';
import { ownText } from '../../domain/mail-classification.js';
import { maxMessageLength, requestTypes } from '../../domain/privacy-request.js';
import { ProblemError } from '../../domain/problem-error.js';
import { languageOf } from '../../domain/records.js';
import type { RequestDeps } from '../requests/request-deps.js';
import { createRequest } from '../requests/workflow.js';
import { loadProfile } from '../self-service.js';
import { staffInboxMails } from './inbox-mails.js';
import { schema } from '../../domain/schema.js';

/**
 * The staff inbox: general mail to info@ (not a privacy request) that staff list, read, answer, mark
 * handled or turn into a privacy request. Every action writes one audit event naming the staff member; reads
 * are audited before anything is shown (a failed audit write shows nothing). The sender's address and words
 * are read from the raw mail (its bounded lifetime) and shown to staff only.
 */
export interface InboxDeps extends RequestDeps {
  inbox: InboxRepository;
  rawMail: Pick<RawMailStore, 'get'>;
}

const referenceField = /* @__PURE__ */ schema(() =>
  z.string().check(z.trim(), z.regex(/^M-[0-9A-Z]{8}$/, { message: 'invalid-format' })),
);
export const inboxRefSchema = /* @__PURE__ */ schema(() => z.strictObject({ reference: referenceField }));
export const inboxAnswerSchema = /* @__PURE__ */ schema(() =>
  z.strictObject({
    reference: referenceField,
    text: z
      .string()
      .check(z.trim(), z.minLength(10, { message: 'required' }), z.maxLength(8000, { message: 'too-long' })),
  }),
);
export const inboxConvertSchema = /* @__PURE__ */ schema(() =>
  z.strictObject({
    reference: referenceField,
    type: z.enum(requestTypes, { message: 'invalid-format' }),
  }),
);

async function itemByReference(deps: InboxDeps, reference: string): Promise<InboxItem> {
  const item = await deps.inbox.findByReference(reference);
  if (!item) throw new ProblemError(404, 'not-found');
  return item;
}

/** The mail as it arrived, or undefined when it is gone (patient data deleted at intake, or past its lifetime). */
async function mailOf(deps: InboxDeps, item: InboxItem) {
  const key = item.s3Objects[0];
  if (!key) return undefined;
  try {
    const raw = await deps.rawMail.get(key);
    // The MIME parser (postal-mime, entities: ≈ 110 KB) is a chunk of its own, read when staff first open a
    // mail, not at every cold init of the staff API.
    const { parseInbound } = await import('../mail-intake/parse.js');
    return await parseInbound(raw, '');
  } catch (error) {
    if (error instanceof RawMailMissingError) return undefined;
    throw error;
  }
}

const audit = (
  deps: InboxDeps,
  actor: AuditActor,
  item: InboxItem,
  action: string,
  details: Record<string, string | number | boolean> = {},
) =>
  deps.audit.transactItem({
    actor,
    action,
    ...(item.licenseeId ? { licenseeId: item.licenseeId } : {}),
    subjectId: item.itemId,
    details: { reference: item.reference, ...details },
  }).item;

const summaryOf = (item: InboxItem) => ({
  reference: item.reference,
  status: item.status,
  receivedAt: item.receivedAt,
  dueAt: item.dueAt,
  fromLicensee: item.licenseeId !== undefined,
  patientDataWithheld: item.patientDataWithheld === true,
  answers: item.answers ?? 0,
});

/** Open and answered mail, newest first, with sender and subject (an audited read of every item listed). */
export async function listInbox(deps: InboxDeps, actor: AuditActor) {
  const items = await deps.inbox.listOpen();
  await deps.audit.record({ actor, action: 'inbox.listed', details: { count: items.length } });
  return {
    items: await Promise.all(
      items.map(async (item) => {
        const mail = await mailOf(deps, item);
        return { ...summaryOf(item), sender: mail?.from ?? null, subject: mail?.subject ?? null };
      }),
    ),
  };
}

/** One mail in full (sender, subject, the text), audited first. */
export async function showInboxItem(deps: InboxDeps, actor: AuditActor, reference: string) {
  const item = await itemByReference(deps, reference);
  await deps.audit.record({
    actor,
    action: 'inbox.read',
    ...(item.licenseeId ? { licenseeId: item.licenseeId } : {}),
    subjectId: item.itemId,
    details: { reference: item.reference },
  });
  const mail = await mailOf(deps, item);
  return {
    ...summaryOf(item),
    ...(item.convertedTo ? { convertedTo: item.convertedTo } : {}),
    sender: mail?.from ?? null,
    subject: mail?.subject ?? null,
    text: item.patientDataWithheld ? null : (mail?.text ?? null),
    messageId: mail?.headers.get('message-id') ?? null,
  };
}

function requireListed(item: InboxItem): void {
  if (item.status !== 'open' && item.status !== 'answered') throw new ProblemError(409, 'inbox-state');
}

/**
 * Staff's answer, through the outgoing-mail pipeline: to the sender (a licensee's mail with its text withheld
 * goes to the address on record), threaded with In-Reply-To and References, written in one transaction with
 * the item's new state and the audit event.
 */
export async function answerInboxItem(
  deps: InboxDeps,
  actor: AuditActor,
  input: z.infer<typeof inboxAnswerSchema>,
) {
  const item = await itemByReference(deps, input.reference);
  requireListed(item);
  // Parallel or repeated submits of one answer: the first that lands is the answer, a repeat read after it
  // finds its digest and changes nothing (no second mail, no second audit event); another text is a new answer.
  const answerDigest = createHash('sha256').update(`${item.itemId}\n${input.text}`).digest('base64url');
  if (item.status === 'answered' && item.lastAnswerDigest === answerDigest) return summaryOf(item);
  const mail = await mailOf(deps, item);
  const to =
    mail?.from ?? (item.licenseeId ? (await loadProfile(deps, item.licenseeId)).pii.data.email : undefined);
  if (!to) throw new ProblemError(409, 'no-address');
  // A licensee's mail is answered in their language; a stranger's frame is in both.
  const profile = item.licenseeId ? await deps.repo.getProfile(item.licenseeId) : undefined;
  const messageId = mail?.headers.get('message-id');
  const references = mail?.headers.get('references')?.split(/\s+/).filter(Boolean) ?? [];
  const now = deps.clock();
  const next: InboxItem = {
    ...item,
    status: 'answered',
    answers: (item.answers ?? 0) + 1,
    lastAnsweredAt: now.toISOString(),
    lastAnswerDigest: answerDigest,
  };
  const outgoing = await deps.mailer.outboxItem({
    ...staffInboxMails.answer({
      to,
      reference: item.reference,
      subject: mail?.subject ?? '',
      text: input.text,
      language: profile ? languageOf(profile) : 'nl+en',
    }),
    idempotencyKey: `inbox:${item.itemId}:answer:${item.version + 1}`,
    ...(messageId ? { thread: { inReplyTo: messageId, references } } : {}),
  });
  const saved = await deps.inbox.save(item, next, [
    outgoing,
    audit(deps, actor, item, 'inbox.answered', { answers: next.answers ?? 1 }),
  ]);
  return summaryOf(saved);
}

/** Done: the item leaves the list; it and the raw mail keep their bounded lifetime. */
export async function handleInboxItem(deps: InboxDeps, actor: AuditActor, reference: string) {
  const item = await itemByReference(deps, reference);
  requireListed(item);
  const next: InboxItem = { ...item, status: 'handled', handledAt: deps.clock().toISOString() };
  const saved = await deps.inbox.save(item, next, [audit(deps, actor, item, 'inbox.handled')]);
  return summaryOf(saved);
}

/**
 * Turns a licensee's mail into a privacy request of the type staff chose. It is verified like any mailed
 * request (a code to the address on record), so a spoofed From cannot make staff act on it.
 */
export async function convertInboxItem(
  deps: InboxDeps,
  actor: AuditActor,
  input: z.infer<typeof inboxConvertSchema>,
) {
  const item = await itemByReference(deps, input.reference);
  requireListed(item);
  if (!item.licenseeId) throw new ProblemError(409, 'not-a-licensee');
  const licenseeId = item.licenseeId;
  const mail = item.patientDataWithheld ? undefined : await mailOf(deps, item);
  const request = await createRequest(deps, {
    licenseeId,
    type: input.type,
    channel: 'email',
    ...(mail ? { message: `${mail.subject}\n\n${ownText(mail.text)}`.slice(0, maxMessageLength) } : {}),
    patientData: item.patientDataWithheld === true,
    verifiedBy: 'none',
    exemptFromUnconfirmedCap: true,
    actor,
    sourceMessageId: item.itemId,
    s3Objects: item.s3Objects,
    // The item's write is conditioned on the version read above: once another call changed the item, no
    // retry can succeed, so a loser answers 409 at once.
    beforeRetry: async () => {
      if ((await itemByReference(deps, input.reference)).version !== item.version) {
        throw new ProblemError(409, 'conflict');
      }
    },
    also: (created) => [
      deps.inbox.saveWrite(item, { ...item, status: 'converted', convertedTo: created.requestId }),
      audit(deps, actor, item, 'inbox.converted', { type: input.type, requestId: created.requestId }),
    ],
  });
  return {
    ...summaryOf({ ...item, status: 'converted' }),
    request: { reference: request.reference, type: request.type, status: request.status },
  };
}
