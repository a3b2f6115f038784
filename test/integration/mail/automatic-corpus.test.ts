import { readFile, readdir } from 'node:fs/promises';
import { QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openShards } from '../../../shared/domain/privacy-request.js';
import { tableDefinition } from '../../../shared/adapters/table-definition.js';
import { startMailWorld, type MailWorld } from './support.js';

/**
 * The automatic-mail corpus (test/fixtures/automatic-mail, written by its generate.ts): bounces, delay
 * notices, feedback reports, read receipts, vacation and out-of-office replies, list and bulk mail and service
 * notifications from the MTAs and clients people meet. Each is delivered twice, with a null envelope sender
 * and with a non-null one (the From address, or an SRS-rewritten forwarder address, as forwarding does), and
 * must produce 0 replies to anybody, 0 requests and 0 staff-inbox items. Replies are counted as outbox items of
 * the table, whoever they would go to (From, envelope sender, Reply-To): the control at the end shows that
 * count sees a reply to an envelope sender.
 */
const folder = new URL('../../fixtures/automatic-mail/', import.meta.url);
let world: MailWorld;
let licensee: { licenseeId: string; email: string };
let files: string[];

beforeAll(async () => {
  world = await startMailWorld({ prefix: 'zorgsom-automatic' });
  licensee = await world.registerLicensee();
  files = (await readdir(folder)).filter((file) => file.endsWith('.eml')).sort();
});
afterAll(async () => {
  await world?.close();
});

async function outboxItems(): Promise<number> {
  const { Count } = await world.table.client.send(
    new ScanCommand({
      TableName: world.table.tableName,
      FilterExpression: 'begins_with(pk, :outbox)',
      ExpressionAttributeValues: { ':outbox': { S: 'OUTBOX#' } },
      Select: 'COUNT',
    }),
  );
  return Count ?? 0;
}

async function inboxItems(): Promise<number> {
  const { Count } = await world.table.client.send(
    new QueryCommand({
      TableName: world.table.tableName,
      IndexName: tableDefinition.indexes.openRequests.name,
      KeyConditionExpression: 'openShard = :shard',
      ExpressionAttributeValues: { ':shard': { S: openShards.inbox } },
      Select: 'COUNT',
    }),
  );
  return Count ?? 0;
}

const fromOf = (raw: string) => /^From:.*?<?([^\s<>]+@[^\s<>]+)>?\s*(?:\([^)]*\))?$/im.exec(raw)?.[1];
const srs = (address: string) => {
  const [local, domain] = address.split('@');
  return `SRS0=HhQx=T3=${domain}=${local}@forwarder.example.org`;
};

describe('automatic mail is never answered and never acted on, whatever the envelope sender', () => {
  it('the corpus holds at least 200 automatic mails', () => {
    expect(files.length).toBeGreaterThanOrEqual(200);
  });

  it('0 replies, 0 requests and 0 inbox items for every mail, with a null and a non-null envelope sender', async () => {
    const before = await outboxItems();
    const inboxBefore = await inboxItems();
    const notAutomatic: string[] = [];
    for (const [index, file] of files.entries()) {
      const raw = (await readFile(new URL(file, folder), 'utf8')).replaceAll('{{LICENSEE}}', licensee.email);
      const from = fromOf(raw) ?? 'someone@example.org';
      for (const envelopeSender of ['', index % 2 === 0 ? from : srs(from)]) {
        const { outcome } = await world.deliver(Buffer.from(raw, 'utf8'), { envelopeSender });
        if (!outcome.startsWith('automatic-'))
          notAutomatic.push(`${file} (${envelopeSender || '<>'}): ${outcome}`);
      }
    }
    expect(notAutomatic).toEqual([]);
    expect(await outboxItems()).toBe(before);
    expect(await inboxItems()).toBe(inboxBefore);
    expect(await world.deps.requests.listRequests(licensee.licenseeId)).toEqual([]);
    // 418 deliveries through the real intake and emulators.
  }, 600_000);

  it('control: the same count sees the one reply a person gets, at the envelope sender when From matches it', async () => {
    const before = await outboxItems();
    const person = `iemand.${Date.now().toString(36)}@example.org`;
    const raw = Buffer.from(
      `From: <${person}>\r\nTo: info@zorgsom.nl\r\nSubject: Vraag over mijn factuur\r\nMessage-ID: <control@example.org>\r\n` +
        'Content-Type: text/plain; charset=utf-8\r\n\r\nWaar blijft mijn factuur?\r\n',
    );
    expect((await world.deliver(raw, { envelopeSender: person })).outcome).toBe('general');
    expect(await outboxItems()).toBe(before + 1);
    expect(await world.mailsTo(person)).toHaveLength(1);
  });
});
