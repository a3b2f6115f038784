import { describe, expect, it } from 'vitest';
import { policy } from '../../../shared/domain/policy.js';
import {
  addLocalMonths,
  holdActive,
  holdEndsAt,
  holdUntilProblem,
  itemKindOf,
  localDateOf,
  retentionDates,
  startOfLocalDay,
  type LegalHold,
} from '../../../shared/domain/retention.js';

const at = (iso: string) => new Date(iso);
const margin = policy.retention.backupWindowDays + policy.retention.safetyMarginDays;

describe('retention dates (Europe/Amsterdam calendar)', () => {
  it('reads the policy: 24 months, minus the 35-day backup window and the 7-day margin', () => {
    expect(policy.retention).toMatchObject({
      afterLicenceEndMonths: 24,
      backupWindowDays: 35,
      safetyMarginDays: 7,
    });
    expect(margin).toBe(42);
  });

  it.each([
    // ended at (UTC instant)     ended on (Amsterdam)  promised by (Amsterdam 00:00)   purge at (Amsterdam 00:00)
    ['2024-03-15T10:00:00Z', '2024-03-15', '2026-03-14T23:00:00.000Z', '2026-01-31T23:00:00.000Z'],
    // Leap day: 24 months later there is no 29 February, clamp to the 28th.
    ['2024-02-29T12:00:00Z', '2024-02-29', '2026-02-27T23:00:00.000Z', '2026-01-16T23:00:00.000Z'],
    // Month end: 31 August + 24 months = 31 August; 31 January + 1 month would clamp, 24 does not.
    ['2023-08-31T09:00:00Z', '2023-08-31', '2025-08-30T22:00:00.000Z', '2025-07-19T22:00:00.000Z'],
    ['2024-01-31T09:00:00Z', '2024-01-31', '2026-01-30T23:00:00.000Z', '2025-12-19T23:00:00.000Z'],
    // Year end in UTC is already New Year in Amsterdam.
    ['2024-12-31T23:30:00Z', '2025-01-01', '2026-12-31T23:00:00.000Z', '2026-11-19T23:00:00.000Z'],
  ])('a licence ended at %s ends on %s; promised %s; purged %s', (ended, endedOn, promisedBy, purgeAt) => {
    const dates = retentionDates(at(ended));
    expect(dates.endedOn).toBe(endedOn);
    expect(dates.promisedBy.toISOString()).toBe(promisedBy);
    expect(dates.purgeAt.toISOString()).toBe(purgeAt);
  });

  it('a licence ended at 23:30 local time on the spring DST change day ends on that local date', () => {
    // 30 March 2025: clocks go 02:00 -> 03:00; 23:30 CEST is 21:30 UTC.
    const ended = at('2025-03-30T21:30:00Z');
    expect(localDateOf(ended)).toEqual({ year: 2025, month: 3, day: 30 });
    const dates = retentionDates(ended);
    expect(dates.endedOn).toBe('2025-03-30');
    // 30 March 2027 00:00 CEST (the 2027 change is on the 28th) = 29 March 22:00 UTC.
    expect(dates.promisedBy.toISOString()).toBe('2027-03-29T22:00:00.000Z');
    // 42 days earlier: 16 February 2027 00:00 CET = 15 February 23:00 UTC.
    expect(dates.purgeAt.toISOString()).toBe('2027-02-15T23:00:00.000Z');
  });

  it('23:30 local on the autumn DST change day (CET again) is still that date, though UTC says so too late', () => {
    // 26 October 2025: clocks go 03:00 -> 02:00; 23:30 CET = 22:30 UTC.
    const dates = retentionDates(at('2025-10-26T22:30:00Z'));
    expect(dates.endedOn).toBe('2025-10-26');
    // 00:30 local on the 27th is 23:30 UTC on the 26th: a UTC date would be one day early.
    expect(retentionDates(at('2025-10-26T23:30:00Z')).endedOn).toBe('2025-10-27');
    expect(dates.promisedBy.toISOString()).toBe('2027-10-25T22:00:00.000Z');
  });

  it('a purge date on a DST change day is that day’s local midnight, before the change', () => {
    // Ended 9 May 2025 -> promised 9 May 2027 -> purge 28 March 2027, the spring change day (still CET at 00:00).
    const dates = retentionDates(at('2025-05-09T08:00:00Z'));
    expect(dates.purgeAt.toISOString()).toBe('2027-03-27T23:00:00.000Z');
    expect(startOfLocalDay({ year: 2027, month: 3, day: 29 }).toISOString()).toBe('2027-03-28T22:00:00.000Z');
    expect(startOfLocalDay({ year: 2025, month: 10, day: 26 }).toISOString()).toBe(
      '2025-10-25T22:00:00.000Z',
    );
    expect(startOfLocalDay({ year: 2025, month: 10, day: 27 }).toISOString()).toBe(
      '2025-10-26T23:00:00.000Z',
    );
  });

  it('every purge date keeps the whole backup window plus margin before the promise, all year round', () => {
    for (let day = 0; day < 366 * 2; day++) {
      const ended = new Date(Date.UTC(2024, 0, 1, 22, 59) + day * 86_400_000);
      const { promisedBy, purgeAt } = retentionDates(ended);
      const gapDays = (promisedBy.getTime() - purgeAt.getTime()) / 86_400_000;
      // 42 calendar days; a DST change in between makes it 41 days and 23 or 25 hours.
      expect(Math.abs(gapDays - margin)).toBeLessThanOrEqual(1 / 24);
      expect(localDateOf(purgeAt)).toEqual(localDateOf(new Date(purgeAt.getTime() + 1000)));
      expect(promisedBy.getTime() - ended.getTime()).toBeLessThanOrEqual(731 * 86_400_000);
    }
  });

  it('adds calendar months with month-end clamping', () => {
    expect(addLocalMonths({ year: 2024, month: 2, day: 29 }, 24)).toEqual({ year: 2026, month: 2, day: 28 });
    expect(addLocalMonths({ year: 2024, month: 2, day: 29 }, 48)).toEqual({ year: 2028, month: 2, day: 29 });
    expect(addLocalMonths({ year: 2023, month: 12, day: 31 }, 2)).toEqual({ year: 2024, month: 2, day: 29 });
    expect(addLocalMonths({ year: 2024, month: 3, day: 31 }, -1)).toEqual({ year: 2024, month: 2, day: 29 });
  });
});

describe('legal hold', () => {
  const hold = (until: string): LegalHold => ({
    reason: 'fraud-investigation',
    caseReference: 'FIOD-2026-0042',
    until,
    placedAt: '2026-01-01T00:00:00.000Z',
  });

  it('covers its end date to the last minute in Amsterdam, and no longer', () => {
    expect(holdEndsAt(hold('2026-06-30')).toISOString()).toBe('2026-06-30T22:00:00.000Z');
    expect(holdActive(hold('2026-06-30'), at('2026-06-30T21:59:59Z'))).toBe(true);
    expect(holdActive(hold('2026-06-30'), at('2026-06-30T22:00:00Z'))).toBe(false);
    expect(holdActive(undefined, at('2026-06-30T00:00:00Z'))).toBe(false);
  });

  it('refuses an end date that is no date, already past, or beyond the policy maximum', () => {
    const now = at('2026-03-01T10:00:00Z');
    expect(holdUntilProblem('2026-02-30', now)).toBe('invalid');
    expect(holdUntilProblem('26-3-1', now)).toBe('invalid');
    expect(holdUntilProblem('2026-02-28', now)).toBe('past');
    expect(holdUntilProblem('2026-03-01', now)).toBeUndefined();
    expect(holdUntilProblem('2027-03-01', now)).toBeUndefined();
    expect(holdUntilProblem('2027-03-02', now)).toBe('too-far');
  });
});

describe('certificate kinds', () => {
  it('names item kinds from sort keys without any value in them', () => {
    expect(itemKindOf('SESSION#3f9a')).toBe('session');
    expect(itemKindOf('PROFILE')).toBe('profile');
    expect(itemKindOf('BUDGETREVIEW#01H')).toBe('budgetreview');
    expect(itemKindOf('REQUEST#01J')).toBe('request');
  });
});
