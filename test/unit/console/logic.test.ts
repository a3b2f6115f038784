import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  breachClock,
  can,
  claimsOf,
  deadlineBuckets,
  deadlineOf,
  monthsBetween,
  parseConfig,
  pkceChallenge,
  randomToken,
  roleOf,
  toCsv,
} from '../../../web/console/logic.js';
import { consoleTexts } from '../../../web/console/texts.js';

const day = 86_400_000;
const now = new Date('2026-12-01T12:00:00Z');
const at = (offsetDays: number): string => new Date(now.getTime() + offsetDays * day).toISOString();

describe('roles', () => {
  it('takes the highest console role among the groups and ignores others', () => {
    expect(roleOf(['viewer'])).toBe('viewer');
    expect(roleOf(['viewer', 'admin', 'handler'])).toBe('admin');
    expect(roleOf(['everyone', 'handler'])).toBe('handler');
    expect(roleOf([])).toBeUndefined();
    expect(roleOf(['Admin'])).toBeUndefined();
  });

  it('lets a viewer see the queue but neither reveal nor act; a handler act but not disclose', () => {
    expect(can('viewer', 'viewQueue')).toBe(true);
    expect(can('viewer', 'revealPersonalData')).toBe(false);
    expect(can('viewer', 'actOnRequests')).toBe(false);
    expect(can('handler', 'actOnRequests')).toBe(true);
    expect(can('handler', 'disclosures')).toBe(false);
    expect(can('handler', 'breaches')).toBe(false);
    expect(can('admin', 'marketing')).toBe(true);
    expect(can(undefined, 'viewQueue')).toBe(false);
  });
});

describe('deadlines', () => {
  it('turns red when overdue or under a quarter of the period left', () => {
    expect(deadlineOf(at(-10), at(20), now)).toMatchObject({ daysLeft: 20, urgent: false, overdue: false });
    // 30-day period, 7 days left: 23 % left.
    expect(deadlineOf(at(-23), at(7), now)).toMatchObject({ urgent: true, overdue: false });
    // 8 days left of 30: 26 %.
    expect(deadlineOf(at(-22), at(8), now).urgent).toBe(false);
    expect(deadlineOf(at(-31), at(-1), now)).toMatchObject({ daysLeft: -1, urgent: true, overdue: true });
    // An extended request has a longer period: 20 days left of 90 is 22 %.
    expect(deadlineOf(at(-70), at(20), now).urgent).toBe(true);
  });

  it('counts open requests on time, due within 7 days, and overdue', () => {
    expect(
      deadlineBuckets([{ dueAt: at(30) }, { dueAt: at(7) }, { dueAt: at(1) }, { dueAt: at(-2) }], now),
    ).toEqual({
      onTime: 1,
      dueSoon: 2,
      overdue: 1,
    });
  });

  it('runs the AP clock 72 hours from discovery, warning in the last 24', () => {
    expect(breachClock(new Date(now.getTime() - 10 * 3_600_000).toISOString(), now)).toEqual({
      hoursLeft: 62,
      level: 'ok',
    });
    expect(breachClock(new Date(now.getTime() - 50 * 3_600_000).toISOString(), now).level).toBe('warn');
    expect(breachClock(new Date(now.getTime() - 73 * 3_600_000).toISOString(), now).level).toBe('late');
    // Exactly 24 hours left is already the warning, as on the server (clockOf).
    expect(breachClock(new Date(now.getTime() - 48 * 3_600_000).toISOString(), now).level).toBe('warn');
  });
});

describe('CSV and months', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    expect(
      toCsv([
        ['a', 'b,c'],
        ['say "hi"', 3],
        ['=SUM(A1)', '-2'],
      ]),
    ).toBe('a,"b,c"\r\n"say ""hi""",3\r\n\'=SUM(A1),\'-2\r\n');
  });

  it('splits a period into calendar months, clipped to the period', () => {
    expect(monthsBetween('2026-10-15', '2026-12-01')).toEqual([
      { month: '2026-10', from: '2026-10-15', to: '2026-10-31' },
      { month: '2026-11', from: '2026-11-01', to: '2026-11-30' },
      { month: '2026-12', from: '2026-12-01', to: '2026-12-01' },
    ]);
  });
});

describe('sign-in helpers', () => {
  it('makes a RFC 7636 S256 challenge and unguessable verifiers', async () => {
    // RFC 7636 appendix B.
    expect(await pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
    const verifier = randomToken();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).not.toBe(verifier);
    expect(await pkceChallenge(verifier)).toBe(createHash('sha256').update(verifier).digest('base64url'));
  });

  it('reads the claims of a Cognito-style access token', () => {
    const payload = Buffer.from(
      JSON.stringify({
        sub: 'abc',
        username: 'jan',
        'cognito:groups': ['handler'],
        exp: 1_900_000_000,
        name: 'Jån',
      }),
    ).toString('base64url');
    expect(claimsOf(`h.${payload}.s`)).toEqual({
      sub: 'abc',
      username: 'jan',
      groups: ['handler'],
      exp: 1_900_000_000,
    });
    expect(claimsOf('not-a-jwt')).toBeUndefined();
  });

  it('makes the local config absolute against the origin and refuses an incomplete one', () => {
    const config = parseConfig(
      {
        authorizeUrl: '/staff-idp/oauth2/authorize',
        tokenUrl: '/staff-idp/oauth2/token',
        logoutUrl: 'https://auth.example/logout',
        clientId: 'c',
        redirectUri: '/console/',
        scope: 'zorgsom/staff',
        apiBase: '/api/',
      },
      'http://localhost:3000',
    );
    expect(config).toMatchObject({
      authorizeUrl: 'http://localhost:3000/staff-idp/oauth2/authorize',
      logoutUrl: 'https://auth.example/logout',
      redirectUri: 'http://localhost:3000/console/',
      apiBase: '/api',
    });
    expect(parseConfig({ clientId: 'c' }, 'http://localhost')).toBeUndefined();
  });
});

describe('texts', () => {
  it('has every console text in Dutch and English, none empty', () => {
    for (const [key, text] of Object.entries(consoleTexts)) {
      expect(text.nl, key).not.toBe('');
      expect(text.en, key).not.toBe('');
    }
  });
});
