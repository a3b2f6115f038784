/**
 * Every claim on every page is one the system keeps. Pages mark each promise with `data-claim`; here each id
 * is tied to the policy key it states and to the behaviour that enforces it, checked against the real code
 * (schemas, routes, retention dates, security headers). A claim on a page without a check here fails, and so
 * does a number in a claim that is not a policy value.
 */
import { describe, expect, it } from 'vitest';
import { functionGrants, routes } from '../../../functions/routes.js';
import { securityHeaders } from '../../../shared/http/security-headers.js';
import { personalDataSchema } from '../../../shared/domain/licensee.js';
import { signupBodySchema } from '../../../shared/domain/licensee-input.js';
import { isPrivacySubject } from '../../../shared/domain/mail-classification.js';
import { policy } from '../../../shared/domain/policy.js';
import { policyTexts } from '../../../shared/domain/policy-texts.js';
import { dueDateOf, requestBodySchema, requestTypes } from '../../../shared/domain/privacy-request.js';
import { disclosureRecordSchema } from '../../../shared/domain/records.js';
import { endLicenceBodySchema, retentionDates } from '../../../shared/domain/retention.js';
import { validateBody } from '../../../shared/domain/validate.js';
import { processingRegister } from '../../../shared/domain/processing-register.js';
import { renderPages } from '../../../web/src/pages.js';
import { statementTexts, type ClaimId } from '../../../web/src/statement.js';
import { legalBasisTexts, requestTypeIds, texts, type TextKey } from '../../../web/src/texts.js';

const rendered = renderPages({ script: '/assets/app-TEST.js', stylesheet: '/assets/styles-TEST.css' });
const hasRoute = (method: string, path: string) =>
  routes.some((route) => route.method === method && route.path === path);
const signup = {
  name: 'Annelies de Vries',
  address: { street: 'Keizersgracht', houseNumber: '123', postcode: '1015 CJ', city: 'Amsterdam' },
  email: 'annelies@example.nl',
  iban: 'NL91ABNA0417164300',
};
const codesOf = (result: ReturnType<typeof validateBody>) =>
  result.ok ? [] : result.errors.map((e) => e.code);

/** The behaviour each claim states, checked on the code that enforces it. */
const checks: Record<ClaimId, () => void> = {
  controller: () => {
    expect(policy.controller.name).toBe('ZorgSom');
    expect(isPrivacySubject(policy.controller.privacySubjectKeyword)).toBe(true);
  },
  contact: () => {
    expect(isPrivacySubject(`${policy.controller.privacySubjectKeyword}: vraag`)).toBe(true);
    expect(hasRoute('POST', '/api/privacy-requests/by-email')).toBe(true);
    expect(policy.controller.supervisoryAuthority).toBe('Autoriteit Persoonsgegevens');
  },
  law: () => expect(policy.statement.law.nl).toContain('(AVG)'),
  version: () => {
    expect(policy.statement.version).toMatch(/^[0-9]+\.[0-9]+$/);
    expect(Number.isNaN(Date.parse(policy.statement.effectiveDate))).toBe(false);
  },
  'business-use-only': () => {
    expect(policyTexts.purposes.map((purpose) => purpose.id)).toEqual([
      'service',
      'bookkeeping',
      'marketing',
    ]);
    expect(processingRegister().purposes.map((purpose) => purpose.id)).toEqual(
      policyTexts.purposes.map((purpose) => purpose.id),
    );
  },
  'no-patient-access': () => {
    // No function may decrypt anything but the licensee data key; patient data only via budget reviews.
    for (const [name, grants] of Object.entries(functionGrants)) {
      if (grants.budgetReviews?.key.includes('decrypt')) expect(name).toBe('admin');
    }
  },
  'patient-data-refused': () => {
    expect(codesOf(validateBody(signupBodySchema, { ...signup, name: 'Praktijk 111 222 333' }))).toEqual([
      'patient-data',
    ]);
    expect(
      codesOf(validateBody(signupBodySchema, { ...signup, name: 'diagnose diabetes patiënt Pietersen' })),
    ).toEqual(['patient-data-text']);
    expect(
      codesOf(
        validateBody(requestBodySchema, { type: 'question', message: 'Patiënt Jansen, geb. 12-03-1985' }),
      ),
    ).toEqual(['patient-data-text']);
    expect(
      codesOf(validateBody(requestBodySchema, { type: 'question', message: 'Gebruikt oxazepam 10 mg.' })),
    ).toEqual(['patient-data-text']);
  },
  'data-categories': () => {
    expect(Object.keys(personalDataSchema.shape).sort()).toEqual(
      policy.dataCategories.map((c) => c.id).sort(),
    );
  },
  purposes: () => {
    for (const purpose of policyTexts.purposes) expect(legalBasisTexts[purpose.legalBasis]).toBeDefined();
  },
  'marketing-opt-out': () => {
    expect(hasRoute('PUT', '/api/me/marketing')).toBe(true);
    expect(hasRoute('POST', '/api/marketing/unsubscribe')).toBe(true);
  },
  'security-measures': () => {
    const decrypting = Object.entries(functionGrants)
      .filter(([, grants]) => grants.kms.includes('decrypt'))
      .map(([name]) => name);
    // Signup decrypts only a pending signup's own data, to name it in the code mail it resends.
    expect(decrypting.sort()).toEqual(['admin', 'licensee-signup', 'privacy-requests', 'self-service']);
    expect(functionGrants.session.kms).not.toContain('decrypt');
  },
  'secure-connection': () => {
    expect(securityHeaders['strict-transport-security']).toMatch(/max-age=[1-9]/);
  },
  retention: () => {
    const ended = new Date('2026-03-15T12:00:00Z');
    const { promisedBy, purgeAt } = retentionDates(ended);
    expect(policy.retention.afterLicenceEndMonths).toBe(24);
    expect(promisedBy.getTime() - ended.getTime()).toBeLessThanOrEqual(731 * 86_400_000);
    // Backups included: the live data goes a backup window (plus margin) before the promise.
    expect(promisedBy.getTime() - purgeAt.getTime()).toBeGreaterThanOrEqual(
      policy.retention.backupWindowDays * 86_400_000,
    );
  },
  'pending-signup': () => expect(policy.retention.pendingSignupHours).toBe(24),
  'disclosure-bases': () => {
    const base = {
      disclosureId: '01J0000000000000000000000A',
      licenseeId: '01J0000000000000000000000B',
      recipient: 'Belastingdienst',
      categories: ['name'],
      disclosedAt: '2026-01-01T00:00:00.000Z',
    };
    for (const basis of policy.disclosureBases) {
      expect(
        disclosureRecordSchema.safeParse({ ...base, basis }).error?.issues.map((i) => i.path.join('.')) ?? [],
      ).not.toContain('basis');
    }
    expect(disclosureRecordSchema.safeParse({ ...base, basis: 'marketing' }).success).toBe(false);
  },
  processors: () => {
    expect(processingRegister().recipients.processors.map((p) => p.name)).toEqual(
      policyTexts.processors.map((p) => p.name),
    );
  },
  'budget-review': () => {
    expect(hasRoute('POST', '/api/me/budget-reviews/decide')).toBe(true);
    expect(functionGrants['budget-review'].budgetReviews?.key).toEqual(['encrypt']);
  },
  overview: () => {
    expect(hasRoute('GET', '/api/me/export')).toBe(true);
    expect(hasRoute('GET', '/api/me/export.pdf')).toBe(true);
  },
  'correct-complete-delete': () => {
    expect(hasRoute('PATCH', '/api/me')).toBe(true);
    expect(requestTypes).toContain('deletion');
  },
  rights: () => expect([...requestTypes].sort()).toEqual([...requestTypeIds].sort()),
  deadline: () => {
    const received = new Date('2026-01-31T10:00:00Z');
    const due = dueDateOf(received);
    expect(due.getTime()).toBeGreaterThan(received.getTime());
    expect(due.getTime() - received.getTime()).toBeLessThanOrEqual(31 * 86_400_000);
  },
  'code-validity': () => expect(policy.signIn.codeTtlMinutes).toBe(10),
  'session-length': () => expect(policy.signIn.sessionTtlMinutes).toBe(30),
  'request-confirmation': () => expect(hasRoute('POST', '/api/privacy-requests/confirm')).toBe(true),
  'licence-end': () => {
    // Ended today, destroyed within the retention term; sign-in, export and requests stay routes of a session.
    expect(hasRoute('POST', '/api/me/licence/end')).toBe(true);
    expect(endLicenceBodySchema.safeParse({}).success).toBe(false);
    expect(endLicenceBodySchema.safeParse({ confirm: true }).success).toBe(true);
  },
  deletion: () => {
    // Approval by staff purges at once; only a legal hold (fraud, legal claim) may keep data longer.
    expect(hasRoute('POST', '/api/admin/requests/approve-deletion')).toBe(true);
    expect([...policy.retention.legalHoldReasons].sort()).toEqual(['fraud-investigation', 'legal-claim']);
  },
};

/** Every number a claim may state: the policy's values and the units they are shown in. */
function policyNumbers(): Set<string> {
  const numbers = new Set<string>();
  const walk = (value: unknown) => {
    if (typeof value === 'number') {
      numbers.add(String(value));
      if (value % 12 === 0) numbers.add(String(value / 12));
      if (value % (1024 * 1024) === 0) numbers.add(String(value / (1024 * 1024)));
    } else if (typeof value === 'string') {
      for (const match of value.matchAll(/[0-9]+/g)) numbers.add(String(Number(match[0])));
    } else if (typeof value === 'object' && value !== null) {
      for (const item of Object.values(value)) walk(item);
    }
  };
  walk(policy);
  // The statement's date in words ("1 december 2026") and the day of the month.
  numbers.add(String(new Date(policy.statement.effectiveDate).getUTCDate()));
  return numbers;
}

const claimsOn = (html: string): { id: string; texts: string[] }[] =>
  [...html.matchAll(/<(\w+)\b([^>]*\sdata-claim="([^"]+)"[^>]*)>/g)].map((match) => {
    const start = match.index ?? 0;
    const tag = match[1] ?? '';
    const end = html.indexOf(`</${tag}>`, start);
    const element = html.slice(start, end === -1 ? undefined : end);
    const keyed = [...element.matchAll(/data-i18n="([^"]+)"/g)].flatMap((m) => {
      const text = texts[(m[1] ?? '') as TextKey];
      return text ? [text.nl, text.en] : [];
    });
    return {
      id: match[3] ?? '',
      texts: [...element.matchAll(/data-(?:nl|en)="([^"]*)"/g)].map((m) => m[1] ?? '').concat(keyed),
    };
  });

describe('every claim on every page is enforced', () => {
  const all = Object.entries(rendered).flatMap(([file, html]) =>
    claimsOn(html).map((claim) => ({ file, ...claim })),
  );

  it('finds the claims of the statement and the home page', () => {
    expect(new Set(claimsOn(rendered['privacy.html'] ?? '').map((c) => c.id)).size).toBeGreaterThanOrEqual(
      20,
    );
    expect(claimsOn(rendered['index.html'] ?? '').length).toBeGreaterThanOrEqual(4);
  });

  it.each(Object.entries(checks))('%s: the behaviour it states holds', (_id, check) => check());

  it('has a check for every claim a page makes', () => {
    for (const claim of all) expect(Object.keys(checks), `${claim.file}: ${claim.id}`).toContain(claim.id);
  });

  it('states no number that is not a policy value', () => {
    const allowed = policyNumbers();
    for (const claim of all) {
      for (const text of claim.texts) {
        for (const match of text.replace(/NL91[\w ]+|11-proef/g, '').matchAll(/[0-9]+/g)) {
          expect(allowed, `${claim.file} ${claim.id}: ${text}`).toContain(String(Number(match[0])));
        }
      }
    }
  });

  it('writes the statement in both languages with the same structure', () => {
    expect(statementTexts('nl')).toHaveLength(statementTexts('en').length);
    expect(statementTexts('nl').join(' ')).not.toEqual(statementTexts('en').join(' '));
  });
});
