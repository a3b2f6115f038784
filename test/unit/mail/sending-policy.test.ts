import { describe, expect, it } from 'vitest';
import {
  autoSubmittedOf,
  budgetDayOf,
  countsAgainstBudget,
  isAutomaticAddress,
  isEssential,
  planDelivery,
} from '../../../shared/domain/sending-policy.js';

describe('the sending policy', () => {
  it('codes and acknowledgements of a new request are essential; everything else is not', () => {
    expect(isEssential('code')).toBe(true);
    expect(isEssential('acknowledgement')).toBe(true);
    for (const kind of ['notice', 'staff', 'answer', 'decision', 'marketing'] as const)
      expect(isEssential(kind)).toBe(false);
  });

  it('system mail counts against the daily budget; staff answers, staff digests and marketing do not', () => {
    for (const kind of ['code', 'acknowledgement', 'notice'] as const)
      expect(countsAgainstBudget(kind)).toBe(true);
    for (const kind of ['staff', 'answer', 'decision', 'marketing'] as const)
      expect(countsAgainstBudget(kind)).toBe(false);
  });

  it('RFC 3834: an automatic reply is throttled unless essential; unanswered mail is not', () => {
    expect(
      planDelivery({ kind: 'notice', to: 'a@example.nl', inResponseTo: 'm', suppressed: false }),
    ).toEqual({
      throttle: true,
      budget: true,
    });
    expect(planDelivery({ kind: 'code', to: 'a@example.nl', inResponseTo: 'm', suppressed: false })).toEqual({
      throttle: false,
      budget: true,
    });
    expect(planDelivery({ kind: 'notice', to: 'a@example.nl', suppressed: false })).toEqual({
      throttle: false,
      budget: true,
    });
  });

  it('suppression stops non-essential mail only', () => {
    expect(planDelivery({ kind: 'notice', to: 'a@example.nl', suppressed: true })).toEqual({
      drop: 'suppressed',
    });
    expect(planDelivery({ kind: 'marketing', to: 'a@example.nl', suppressed: true })).toEqual({
      drop: 'suppressed',
    });
    expect(planDelivery({ kind: 'code', to: 'a@example.nl', suppressed: true }).drop).toBeUndefined();
  });

  it('never sends system mail to a machine address (a staff member may still answer one)', () => {
    for (const address of [
      'MAILER-DAEMON@example.nl',
      'postmaster@example.nl',
      'no-reply@sns.amazonaws.com',
      'noreply@example.nl',
      'do-not-reply@bank.nl',
      'bounces+123@em.example.com',
    ]) {
      expect(isAutomaticAddress(address)).toBe(true);
      expect(planDelivery({ kind: 'code', to: address, suppressed: false })).toEqual({
        drop: 'automatic-recipient',
      });
    }
    expect(
      planDelivery({ kind: 'answer', to: 'postmaster@example.nl', suppressed: false }).drop,
    ).toBeUndefined();
    for (const address of ['praktijk@example.nl', 'norma.reply@example.nl', 'info@zorg.nl'])
      expect(isAutomaticAddress(address)).toBe(false);
  });

  it('marks automatic replies, the system’s own mail and a person’s answer as RFC 3834 says', () => {
    expect(autoSubmittedOf({ kind: 'code', inResponseTo: 'm' })).toBe('auto-replied');
    expect(autoSubmittedOf({ kind: 'notice' })).toBe('auto-generated');
    expect(autoSubmittedOf({ kind: 'answer', inResponseTo: 'm' })).toBeUndefined();
  });

  it('the budget day is a calendar day in the Netherlands', () => {
    expect(budgetDayOf(new Date('2026-12-01T22:59:00Z'))).toBe('2026-12-01');
    expect(budgetDayOf(new Date('2026-12-01T23:01:00Z'))).toBe('2026-12-02');
    expect(budgetDayOf(new Date('2026-06-30T22:30:00Z'))).toBe('2026-07-01');
  });
});
