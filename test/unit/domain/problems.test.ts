import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import {
  codeBodySchema,
  emailAndCodeBodySchema,
  marketingBodySchema,
} from '../../../shared/domain/licensee.js';
import {
  addressSchema,
  profilePatchSchema,
  signupBodySchema,
} from '../../../shared/domain/licensee-input.js';
import {
  fieldErrorsFromZod,
  isProblemCode,
  messageFor,
  messages,
  problemErrorMap,
  problemTextOf,
  type FieldError,
} from '../../../shared/domain/problems.js';
import { validateBody } from '../../../shared/domain/validate.js';
import { registerStaffProblems, staffMessages } from '../../../shared/domain/staff-problems.js';

const address = { street: 'Hoofdstraat', houseNumber: '12', postcode: '3511 AB', city: 'Utrecht' };
const signup = { name: 'Praktijk de Linde', address, email: 'info@praktijk.nl', iban: 'NL91ABNA0417164300' };

function errorsOf(result: ReturnType<typeof validateBody>): FieldError[] {
  return result.ok ? [] : result.errors;
}

describe('validateBody', () => {
  it('returns the parsed, normalised value', () => {
    const result = validateBody(signupBodySchema, { ...signup, email: ' INFO@praktijk.nl ' });
    expect(result).toEqual({
      ok: true,
      value: {
        ...signup,
        address: { ...address, country: 'NL' },
        email: 'info@praktijk.nl',
        marketingOptOut: false,
        language: 'nl',
      },
    });
    if (result.ok) {
      // The value is typed by the schema.
      const optOut: boolean = result.value.marketingOptOut;
      expect(optOut).toBe(false);
    }
  });

  it('answers 400 with field errors for schema failures', () => {
    const result = validateBody(signupBodySchema, { ...signup, email: 'nope', fax: '030-1234567' });
    expect(result).toEqual({
      ok: false,
      status: 400,
      errors: [
        { field: 'email', code: 'invalid-email' },
        { field: 'fax', code: 'unknown-field' },
      ],
    });
  });

  it('answers 422 for patient data before the schema looks', () => {
    const result = validateBody(signupBodySchema, {
      ...signup,
      patient: { bsn: '123456782' },
      email: 'nope',
    });
    expect(result).toEqual({
      ok: false,
      status: 422,
      errors: [
        { field: 'patient', code: 'patient-data' },
        { field: 'patient.bsn', code: 'patient-data' },
      ],
    });
  });

  it('answers 422 for a BSN in an allowed field', () => {
    const result = validateBody(signupBodySchema, { ...signup, name: 'Jan 123 456 782' });
    expect(result).toEqual({ ok: false, status: 422, errors: [{ field: 'name', code: 'patient-data' }] });
  });

  it('does not mistake an IBAN or postcode for patient data', () => {
    const result = validateBody(signupBodySchema, { ...signup, iban: 'DE89 3704 0044 0532 0130 00' });
    expect(result.ok).toBe(true);
  });

  it.each([null, 'text', 42, [], true])('rejects the non-object body %j', (body) => {
    const result = validateBody(signupBodySchema, body);
    expect(result).toEqual({ ok: false, status: 400, errors: [{ field: '', code: 'invalid-format' }] });
  });

  it('maps missing fields to required and empty patches to empty-patch', () => {
    expect(errorsOf(validateBody(codeBodySchema, {}))).toEqual([{ field: 'code', code: 'required' }]);
    expect(errorsOf(validateBody(profilePatchSchema, {}))).toEqual([{ field: '', code: 'empty-patch' }]);
  });

  it('gives plain zod schemas our codes too', () => {
    const plain = z.strictObject({
      a: z.string().check(z.maxLength(3)),
      b: z.number(),
      c: z.string().check(z.minLength(1)),
    });
    expect(errorsOf(validateBody(plain, { a: 'abcd', b: 'x', c: '' }))).toEqual([
      { field: 'a', code: 'too-long' },
      { field: 'b', code: 'invalid-format' },
      { field: 'c', code: 'required' },
    ]);
    expect(errorsOf(validateBody(plain, {}))).toEqual([
      { field: 'a', code: 'required' },
      { field: 'b', code: 'required' },
      { field: 'c', code: 'required' },
    ]);
  });
});

describe('fieldErrorsFromZod', () => {
  it('names each unknown key with its path', () => {
    const result = signupBodySchema.safeParse({
      ...signup,
      one: 1,
      two: 2,
      address: { ...address, three: 3 },
    });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(fieldErrorsFromZod(result.error)).toEqual(
      expect.arrayContaining([
        { field: 'one', code: 'unknown-field' },
        { field: 'two', code: 'unknown-field' },
        { field: 'address.three', code: 'unknown-field' },
      ]),
    );
  });

  it('writes array paths with brackets', () => {
    const schema = z.object({ items: z.array(z.object({ name: z.string() })) });
    const result = schema.safeParse({ items: [{ name: 'a' }, {}] }, { error: problemErrorMap });
    if (result.success) throw new Error('expected failure');
    expect(fieldErrorsFromZod(result.error)).toEqual([{ field: 'items[1].name', code: 'required' }]);
  });

  it('reads a missing value as invalid-format when parsed without problemErrorMap', () => {
    // zod/mini drops the input from an issue and has no locale text to tell "missing" from "wrong type".
    const result = z.object({ name: z.string() }).safeParse({});
    if (result.success) throw new Error('expected failure');
    expect(fieldErrorsFromZod(result.error)).toEqual([{ field: 'name', code: 'invalid-format' }]);
  });

  it('turns catalogue messages into codes and anything else into invalid-format', () => {
    const schema = z.object({
      a: z.string().check(z.refine(() => false, { message: 'invalid-iban' })),
      b: z.string().check(z.refine(() => false, { message: 'some free text with a value 123' })),
    });
    const result = schema.safeParse({ a: 'x', b: 'y' });
    if (result.success) throw new Error('expected failure');
    expect(fieldErrorsFromZod(result.error)).toEqual([
      { field: 'a', code: 'invalid-iban' },
      { field: 'b', code: 'invalid-format' },
    ]);
  });

  it('never copies an input, even when zod reports it', () => {
    const result = z.strictObject({ a: z.number() }).safeParse(
      { a: 'secret-value-1', 'some-key': 'secret-value-2' },
      {
        reportInput: true,
      },
    );
    if (result.success) throw new Error('expected failure');
    const text = JSON.stringify(fieldErrorsFromZod(result.error));
    expect(text).not.toContain('secret-value');
    expect(text).toContain('some-key');
  });
});

describe('no value ever appears in an error', () => {
  const cases: [string, z.ZodMiniType, unknown, string[]][] = [
    [
      'bad signup',
      signupBodySchema,
      {
        name: 'N\u0000aam-Geheim',
        address: {
          street: 'S'.repeat(101),
          houseNumber: '12x',
          houseNumberAddition: 'a b c',
          postcode: '0999 XY',
          city: 'Geheimstad-Geheimstad-Geheimstad-Geheimstad-Geheimstad-Geheimstad-Geheimstad-Geheimstad',
          country: 'QQ',
        },
        email: 'geheim-adres@',
        iban: 'NL00GEHEIM0000000000',
        marketingOptOut: 'misschien',
        wachtwoord: 'hunter2-geheim',
      },
      [
        'aam-Geheim',
        'SSSS',
        '12x',
        'a b c',
        '0999',
        'Geheimstad',
        'QQ',
        'geheim-adres',
        'GEHEIM',
        'misschien',
        'hunter2',
      ],
    ],
    ['bad code', emailAndCodeBodySchema, { email: 'x@y.nl', code: '98765x' }, ['98765x', 'x@y.nl']],
    ['bad marketing', marketingBodySchema, { optOut: 'ja-graag' }, ['ja-graag']],
    [
      'patient data',
      signupBodySchema,
      { ...signup, note: 'BSN 123.456.782', dossier: 'D-77-geheim' },
      ['123', 'D-77'],
    ],
    ['bad address', addressSchema, { ...address, postcode: '1234 SS' }, ['1234', 'SS']],
  ];

  it.each(cases)('%s', (_label, schema, body, secrets) => {
    const result = validateBody(schema, body);
    expect(result.ok).toBe(false);
    const text = JSON.stringify(errorsOf(result));
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});

describe('messages', () => {
  it('has a Dutch and an English text for every code', () => {
    for (const [code, text] of Object.entries(messages)) {
      expect(text.nl.length, code).toBeGreaterThan(0);
      expect(text.en.length, code).toBeGreaterThan(0);
      expect(text.nl, code).not.toBe(text.en);
    }
  });

  it('explains that patient data is not accepted', () => {
    expect(messages['patient-data'].nl).toMatch(/^ZorgSom neemt geen patiëntgegevens aan/);
    expect(messages['patient-data'].nl).toContain('BSN');
    expect(messages['patient-data'].en).toMatch(/does not accept patient data/);
  });

  it('covers every code the validation produces', () => {
    const bodies: [z.ZodMiniType, unknown][] = [
      [signupBodySchema, {}],
      [signupBodySchema, null],
      [signupBodySchema, { ...signup, extra: 1 }],
      [signupBodySchema, { ...signup, email: 'x', iban: 'y', name: 'n'.repeat(500) }],
      [signupBodySchema, { ...signup, address: { ...address, postcode: '0000', country: 'XX' } }],
      [signupBodySchema, { ...signup, address: { ...address, postcode: '0000' } }],
      [signupBodySchema, { ...signup, bsn: '123456782' }],
      [profilePatchSchema, {}],
      [codeBodySchema, { code: 'abc' }],
      [marketingBodySchema, { optOut: 1 }],
    ];
    const produced = new Set<string>();
    for (const [schema, body] of bodies)
      for (const error of errorsOf(validateBody(schema, body))) produced.add(error.code);
    expect([...produced].sort()).toEqual(
      [
        'empty-patch',
        'invalid-code',
        'invalid-country',
        'invalid-email',
        'invalid-format',
        'invalid-iban',
        'invalid-postcode',
        'patient-data',
        'required',
        'too-long',
        'unknown-field',
      ].sort(),
    );
    for (const code of produced) {
      expect(isProblemCode(code), code).toBe(true);
      expect(messageFor(code, 'nl').length).toBeGreaterThan(0);
      expect(messageFor(code, 'en').length).toBeGreaterThan(0);
    }
  });

  it('includes the codes the HTTP layer uses', () => {
    for (const code of ['invalid-json', 'not-found', 'unauthorised', 'rate-limited', 'internal']) {
      expect(isProblemCode(code), code).toBe(true);
    }
  });

  it('falls back to the internal message for an unknown code', () => {
    expect(messageFor('no-such-code', 'en')).toBe(messages.internal.en);
    expect(isProblemCode('toString')).toBe(false);
  });
});

describe('staff problem codes', () => {
  it('are apart from the licensee-facing catalogue, each with a Dutch and an English text', () => {
    expect(Object.keys(staffMessages).filter((code) => Object.hasOwn(messages, code))).toEqual([]);
    // Until then a staff code is unknown here, as in every function but the staff API: `internal` is answered.
    expect(isProblemCode('breach-changed')).toBe(false);
    expect(problemTextOf('breach-changed')).toEqual(messages.internal);
    for (const [code, text] of Object.entries(staffMessages)) {
      expect(text.nl.length, code).toBeGreaterThan(0);
      expect(text.en.length, code).toBeGreaterThan(0);
      expect(text.nl, code).not.toBe(text.en);
    }
  });

  it('are answered with their own texts once the staff API registers them', () => {
    registerStaffProblems();
    for (const [code, text] of Object.entries(staffMessages)) {
      expect(isProblemCode(code), code).toBe(true);
      expect(problemTextOf(code)).toEqual(text);
    }
    // A staff code set as a schema's message becomes the field error's code, as a public one does.
    const schema = z.object({ basis: z.string().check(z.refine(() => false, { message: 'invalid-basis' })) });
    expect(errorsOf(validateBody(schema, { basis: 'x' }))).toEqual([
      { field: 'basis', code: 'invalid-basis' },
    ]);
  });
});
