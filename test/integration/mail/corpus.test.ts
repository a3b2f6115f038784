import { readFile, readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawMailMissingError } from '../../../shared/adapters/raw-mail-store.js';
import { rawMailKeyOf } from '../../../shared/domain/mail-classification.js';
import { mailExpectations, type MailExpectation } from '../../fixtures/mail/expectations.js';
import { startMailWorld, type MailWorld } from './support.js';

const fixtures = new URL('../../fixtures/mail/', import.meta.url);
let world: MailWorld;

beforeAll(async () => {
  world = await startMailWorld({ prefix: 'zorgsom-corpus' });
});
afterAll(async () => {
  await world?.close();
});

const fromOf = (raw: Buffer) => /^From:.*<([^>]+)>/im.exec(raw.toString('latin1'))?.[1]?.toLowerCase();

describe('the fixture corpus', () => {
  it('has at least 30 mails, each with exactly one expectation', async () => {
    const files = (await readdir(fixtures)).filter((file) => file.endsWith('.eml')).sort();
    expect(files.length).toBeGreaterThanOrEqual(30);
    expect(mailExpectations.map((e) => e.file).sort()).toEqual(files);
  });

  it.each(mailExpectations.map((e) => [`${e.file}: ${e.what}`, e] as const))(
    '%s',
    async (_name, expected: MailExpectation) => {
      const raw = await readFile(new URL(expected.file, fixtures));
      const from = fromOf(raw);
      const licensee = expected.sender === 'licensee' ? await world.registerLicensee(from) : undefined;
      // Replies may go to the From address or, for a mail without one, to the envelope sender: watch both.
      const watched = [
        ...new Set(
          [from, expected.envelopeSender].filter((a): a is string => !!a).map((a) => a.toLowerCase()),
        ),
      ];
      const before = await Promise.all(watched.map(async (address) => (await world.mailsTo(address)).length));

      const { messageId, outcome } = await world.deliver(raw, { envelopeSender: expected.envelopeSender });
      expect(outcome).toBe(expected.outcome);

      // Replies: exactly as expected, and none to anybody else (the outbox is shared, so count by address).
      const replies = (
        await Promise.all(watched.map(async (address, i) => (await world.mailsTo(address)).slice(before[i])))
      ).flat();
      expect(replies).toHaveLength(expected.replies);
      if (expected.replySubject) expect(replies[0]?.subject).toMatch(expected.replySubject);
      if (expected.replies === 1) {
        const text = replies[0]?.text ?? '';
        expect(text.includes('patiëntgegevens (een burgerservicenummer)')).toBe(
          expected.patientNotice === true,
        );
        // Mail bodies never quote the sender's words.
        expect(text).not.toMatch(/123456782|123 456 782|factuur van februari/);
      }

      // The request, as stored.
      const requests = licensee ? await world.deps.requests.listRequests(licensee.licenseeId) : [];
      if (expected.request) {
        expect(requests).toHaveLength(1);
        const [request] = requests;
        expect(request).toMatchObject({
          type: expected.request.type,
          status: expected.request.status,
          channel: 'email',
          sourceMessageId: messageId,
          s3Objects: [rawMailKeyOf(messageId)],
        });
        expect(request?.message !== undefined).toBe(expected.request.messageKept);
        expect(request?.patientDataWithheld === true).toBe(!expected.request.messageKept);
        expect(new Date(request!.dueAt).getTime()).toBeGreaterThan(new Date(request!.receivedAt).getTime());
        if (request?.message) {
          // Encrypted: the stored bytes do not hold the words.
          expect(Buffer.from(request.message).toString('latin1')).not.toMatch(
            /inzage|gegevens|graag|copy of my|unsubscribe|complaint/i,
          );
        }
      } else {
        expect(requests).toHaveLength(0);
      }

      if (expected.optedOut !== undefined && licensee) {
        expect((await world.deps.repo.getProfile(licensee.licenseeId))?.marketingOptOut).toBe(
          expected.optedOut,
        );
      }

      const inbox = await world.deps.requests.getInboxItem(
        expected.inbox === 'licensee' ? licensee?.licenseeId : undefined,
        messageId,
      );
      if (expected.inbox) {
        expect(inbox).toMatchObject({ status: 'open', s3Objects: [rawMailKeyOf(messageId)] });
        expect(inbox?.expiresAt !== undefined).toBe(expected.inbox === 'unknown');
      } else {
        expect(inbox).toBeUndefined();
      }

      const key = rawMailKeyOf(messageId);
      if (expected.raw === 'deleted') {
        await expect(world.deps.rawMail.get(key)).rejects.toBeInstanceOf(RawMailMissingError);
      } else {
        await expect(world.deps.rawMail.get(key)).resolves.toBeInstanceOf(Buffer);
        expect(await world.tagsOf(key)).toEqual(
          expected.raw === 'short-retention' ? { retention: 'short' } : {},
        );
      }
    },
  );

  it('a 10 MB attachment is handled like any other mail', async () => {
    const { email, licenseeId } = await world.registerLicensee();
    const attachment = Buffer.alloc(10 * 1024 * 1024);
    for (let i = 0; i < attachment.length; i++) attachment[i] = (i * 7919) % 251;
    const boundary = 'big-attachment-boundary';
    const raw = Buffer.from(
      [
        `From: Grote Bijlage <${email}>`,
        'To: info@zorgsom.nl',
        'Subject: Privacy: inzage',
        'MIME-Version: 1.0',
        `Content-Type: multipart/mixed; boundary="${boundary}"`,
        '',
        `--${boundary}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Graag inzage in mijn gegevens; bijgaand een scan.',
        `--${boundary}`,
        'Content-Type: application/octet-stream; name="scan.tiff"',
        'Content-Disposition: attachment; filename="scan.tiff"',
        'Content-Transfer-Encoding: base64',
        '',
        attachment.toString('base64').replace(/.{76}/g, '$&\r\n'),
        `--${boundary}--`,
        '',
      ].join('\r\n'),
    );
    expect(raw.length).toBeGreaterThan(10 * 1024 * 1024);
    const started = performance.now();
    const { outcome } = await world.deliver(raw);
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(outcome).toBe('request-overview');
    const [request] = await world.deps.requests.listRequests(licenseeId);
    expect(request).toMatchObject({ type: 'overview', status: 'awaiting-confirmation' });
    expect(request?.message).toBeDefined();
    expect(await world.mailsTo(email)).toHaveLength(2); // signup code, then the confirmation
  });
});
