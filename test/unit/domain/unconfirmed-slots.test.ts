import { describe, expect, it } from 'vitest';
import { policy } from '../../../shared/domain/policy.js';
import {
  freeUnconfirmedSlot,
  newestWaitingForCode,
  type StoredPrivacyRequest,
} from '../../../shared/domain/privacy-request.js';

/**
 * Which slot of the cap on requests waiting for a code (policy.requests.maxUnconfirmedPerLicensee) a new one
 * may claim: confirmation, closing and expiry free a slot by the holder's own state, with no write of their
 * own. The atomicity (one conditional write per claim) is proven against DynamoDB Local in
 * test/integration/abuse/unconfirmed-cap.test.ts.
 */
const now = new Date('2026-12-01T12:00:00Z');
const cap = policy.requests.maxUnconfirmedPerLicensee;

function request(
  requestId: string,
  status: StoredPrivacyRequest['status'],
  confirmBy = '2026-12-08T12:00:00.000Z',
  receivedAt = '2026-12-01T11:00:00.000Z',
): StoredPrivacyRequest {
  return {
    requestId,
    reference: 'P-00000000',
    licenseeId: 'L',
    type: 'question',
    channel: 'web',
    status,
    receivedAt,
    dueAt: '2027-01-01T11:00:00.000Z',
    history: [{ at: receivedAt, status }],
    confirmBy,
    version: 1,
  };
}
const held = (n: number) => Array.from({ length: n }, (_, slot) => ({ slot, holder: `R${slot}` }));
const waitingFor = (n: number) =>
  Array.from({ length: n }, (_, i) => request(`R${i}`, 'awaiting-confirmation'));

describe('freeUnconfirmedSlot', () => {
  it('a slot never claimed is free with no holder to condition on', () => {
    expect(freeUnconfirmedSlot([], [], now, () => 0)).toEqual({ slot: 0 });
    expect(freeUnconfirmedSlot(held(cap - 1), waitingFor(cap - 1), now)).toEqual({ slot: cap - 1 });
  });

  it('every slot held by a request still waiting for its code: the cap is reached', () => {
    expect(freeUnconfirmedSlot(held(cap), waitingFor(cap), now)).toBeUndefined();
  });

  it.each([
    ['confirmed (open)', request('R1', 'open')],
    ['completed', request('R1', 'completed')],
    ['closed unconfirmed', request('R1', 'closed-unconfirmed')],
    ['past its confirmation deadline', request('R1', 'awaiting-confirmation', '2026-12-01T11:59:59.000Z')],
  ])('a holder %s frees its slot, conditioned on that holder', (_, holder) => {
    const existing = waitingFor(cap).map((r) => (r.requestId === 'R1' ? holder : r));
    expect(freeUnconfirmedSlot(held(cap), existing, now)).toEqual({ slot: 1, previous: 'R1' });
  });

  it('a holder no longer stored (purged) frees its slot', () => {
    expect(freeUnconfirmedSlot(held(cap), waitingFor(cap).slice(1), now)).toEqual({
      slot: 0,
      previous: 'R0',
    });
  });

  it('a waiting request that holds no slot (staff-converted) does not block one', () => {
    const existing = [...waitingFor(cap - 1), request('staff', 'awaiting-confirmation')];
    expect(freeUnconfirmedSlot(held(cap - 1), existing, now)).toEqual({ slot: cap - 1 });
  });
});

describe('newestWaitingForCode', () => {
  it('the most recent request still waiting; none once all are confirmed or expired', () => {
    const older = request('A', 'awaiting-confirmation', undefined, '2026-12-01T08:00:00.000Z');
    const newer = request('B', 'awaiting-confirmation', undefined, '2026-12-01T10:00:00.000Z');
    const expired = request(
      'C',
      'awaiting-confirmation',
      '2026-12-01T11:00:00.000Z',
      '2026-12-01T11:30:00.000Z',
    );
    expect(newestWaitingForCode([older, newer, expired], now)?.requestId).toBe('B');
    expect(newestWaitingForCode([request('D', 'open'), expired], now)).toBeUndefined();
  });
});
