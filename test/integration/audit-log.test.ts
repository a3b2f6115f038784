import { TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createIsolatedTable, type IsolatedTable } from '../../local/table.js';
import { createAuditLog, type AuditLog } from '../../shared/adapters/audit-log.js';

let table: IsolatedTable;
let log: AuditLog;
let now = new Date('2026-01-30T10:00:00Z');

beforeAll(async () => {
  table = await createIsolatedTable(inject('localEnv'), 'zorgsom-audit');
  log = createAuditLog({ client: table.client, tableName: table.tableName, clock: () => now, newId: ulid });
});
afterAll(async () => {
  await table?.drop();
});

describe('audit log', () => {
  it('finds events by licensee and by period across month boundaries', async () => {
    const licenseeId = ulid();
    await log.record({ actor: { kind: 'licensee', id: licenseeId }, action: 'licence.started', licenseeId });
    now = new Date('2026-02-02T08:00:00Z');
    await log.record({
      actor: { kind: 'staff', id: 'arn:aws:iam::1:role/staff' },
      action: 'licensee.read-by-staff',
      licenseeId,
    });
    await log.record({
      actor: { kind: 'system', id: 'retention-sweeper' },
      action: 'retention.sweep-ran',
      details: { purged: 0 },
    });

    const mine = await log.forLicensee(licenseeId);
    expect(mine.map((event) => event.action)).toEqual(['licence.started', 'licensee.read-by-staff']);
    expect(mine[1]!.actor).toEqual({ kind: 'staff', id: 'arn:aws:iam::1:role/staff' });

    const fromJanuary = await log.since(new Date('2026-01-30T00:00:00Z'));
    expect(fromJanuary.map((event) => event.action)).toEqual([
      'licence.started',
      'licensee.read-by-staff',
      'retention.sweep-ran',
    ]);
    const fromFebruary = await log.since(new Date('2026-02-01T00:00:00Z'));
    expect(fromFebruary).toHaveLength(2);
  });

  it('writes an event inside a caller transaction, and refuses malformed actions', async () => {
    const licenseeId = ulid();
    const { item } = log.transactItem({
      actor: { kind: 'system', id: 'test' },
      action: 'licence.ended',
      licenseeId,
    });
    await table.client.send(new TransactWriteItemsCommand({ TransactItems: [item] }));
    expect((await log.forLicensee(licenseeId)).map((event) => event.action)).toEqual(['licence.ended']);
    await expect(
      log.record({ actor: { kind: 'system', id: 'test' }, action: 'Not An Action' }),
    ).rejects.toThrow();
  });

  it('is append-only in code too: a write that would replace an existing event is refused, alone or in a transaction', async () => {
    // The same id and moment twice: the second event would have the first one's key.
    const licenseeId = ulid();
    const fixedId = ulid();
    const twin = createAuditLog({
      client: table.client,
      tableName: table.tableName,
      clock: () => now,
      newId: () => fixedId,
    });
    await twin.record({ actor: { kind: 'system', id: 'first' }, action: 'licence.ended', licenseeId });
    await expect(
      twin.record({ actor: { kind: 'system', id: 'second' }, action: 'licence.renewed', licenseeId }),
    ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    const { item } = twin.transactItem({
      actor: { kind: 'system', id: 'third' },
      action: 'licence.renewed',
      licenseeId,
    });
    await expect(
      table.client.send(new TransactWriteItemsCommand({ TransactItems: [item] })),
    ).rejects.toMatchObject({
      name: 'TransactionCanceledException',
    });
    const events = await log.forLicensee(licenseeId);
    expect(events.map((event) => [event.actor.id, event.action])).toEqual([['first', 'licence.ended']]);
  });
});
