import { describe, expect, it } from 'vitest';
import { currentMonthUnlessGiven } from '../../../cli/commands.js';

describe('report period', () => {
  it('defaults to the current calendar month (UTC) up to today', () => {
    expect(currentMonthUnlessGiven({}, new Date('2027-01-31T23:30:00Z'))).toEqual({
      from: '2027-01-01',
      to: '2027-01-31',
    });
    expect(currentMonthUnlessGiven({}, new Date('2026-12-01T00:00:00Z'))).toEqual({
      from: '2026-12-01',
      to: '2026-12-01',
    });
  });

  it('keeps the dates given', () => {
    expect(currentMonthUnlessGiven({ from: '2026-11-01' }, new Date('2026-12-15T10:00:00Z'))).toEqual({
      from: '2026-11-01',
      to: '2026-12-15',
    });
    expect(
      currentMonthUnlessGiven({ from: '2026-10-01', to: '2026-10-31' }, new Date('2026-12-15T10:00:00Z')),
    ).toEqual({ from: '2026-10-01', to: '2026-10-31' });
  });
});
