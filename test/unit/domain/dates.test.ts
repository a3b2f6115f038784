import { describe, expect, it } from 'vitest';
import { addDays, addMinutes, addMonths, epochSeconds } from '../../../shared/domain/dates.js';

const utc = (iso: string) => new Date(`${iso}Z`);

describe('addMonths', () => {
  it.each([
    ['2023-01-31T10:00:00', 1, '2023-02-28T10:00:00'],
    ['2024-01-31T10:00:00', 1, '2024-02-29T10:00:00'],
    ['2000-01-31T00:00:00', 1, '2000-02-29T00:00:00'],
    ['1900-01-31T00:00:00', 1, '1900-02-28T00:00:00'],
    ['2023-03-31T00:00:00', 1, '2023-04-30T00:00:00'],
    ['2023-01-15T12:34:56', 1, '2023-02-15T12:34:56'],
    ['2023-12-15T08:00:00', 1, '2024-01-15T08:00:00'],
    ['2023-12-31T23:59:59', 1, '2024-01-31T23:59:59'],
    ['2023-11-30T00:00:00', 3, '2024-02-29T00:00:00'],
    ['2024-02-29T00:00:00', 12, '2025-02-28T00:00:00'],
    ['2024-02-29T00:00:00', 24, '2026-02-28T00:00:00'],
    ['2024-02-29T00:00:00', 48, '2028-02-29T00:00:00'],
    ['2023-03-31T00:00:00', -1, '2023-02-28T00:00:00'],
    ['2024-01-15T00:00:00', -1, '2023-12-15T00:00:00'],
    ['2023-05-10T00:00:00', 0, '2023-05-10T00:00:00'],
  ])('%s + %i months = %s', (from, months, expected) => {
    expect(addMonths(utc(from), months).toISOString()).toBe(utc(expected).toISOString());
  });

  it('keeps milliseconds and does not change its argument', () => {
    const from = new Date('2023-01-31T10:00:00.123Z');
    expect(addMonths(from, 1).toISOString()).toBe('2023-02-28T10:00:00.123Z');
    expect(from.toISOString()).toBe('2023-01-31T10:00:00.123Z');
  });
});

describe('other date helpers', () => {
  it('addDays, addMinutes and epochSeconds', () => {
    expect(addDays(utc('2024-02-28T00:00:00'), 1).toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(addMinutes(utc('2023-12-31T23:55:00'), 10).toISOString()).toBe('2024-01-01T00:05:00.000Z');
    expect(epochSeconds(new Date(1_700_000_000_999))).toBe(1_700_000_000);
  });
});
