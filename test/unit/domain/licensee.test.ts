import { describe, expect, it } from 'vitest';
import {
  codeBodySchema,
  emailAndCodeBodySchema,
  emailCodeBodySchema,
  emailSchema,
  marketingBodySchema,
  normaliseEmail,
  normalisePostcode,
  personalDataSchema,
} from '../../../shared/domain/licensee.js';
import {
  addressSchema,
  ibanSchema,
  nameSchema,
  profilePatchSchema,
  signupBodySchema,
} from '../../../shared/domain/licensee-input.js';
import { fieldErrorsFromZod } from '../../../shared/domain/problems.js';

const address = { street: 'Hoofdstraat', houseNumber: '12', postcode: '3511 AB', city: 'Utrecht' };
const signup = { name: 'Dr. A. de Vries', address, email: 'praktijk@example.nl', iban: 'NL91ABNA0417164300' };

function errorsOf(schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, value: unknown) {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return fieldErrorsFromZod(result.error as Parameters<typeof fieldErrorsFromZod>[0]);
}

describe('addressSchema', () => {
  it('accepts a Dutch address and defaults the country to NL', () => {
    expect(addressSchema.parse(address)).toEqual({ ...address, country: 'NL' });
  });

  it('trims text and keeps a house number addition, stored the BAG way', () => {
    const parsed = addressSchema.parse({
      ...address,
      street: '  Lange Nieuwstraat ',
      houseNumberAddition: ' bis ',
    });
    expect(parsed.street).toBe('Lange Nieuwstraat');
    expect(parsed.houseNumberAddition).toBe('BIS');
  });

  it.each(['A', 'bis', '2', 'III', 'a/b'])('accepts addition %s', (addition) => {
    expect(addressSchema.safeParse({ ...address, houseNumberAddition: addition }).success).toBe(true);
  });

  it('treats an empty addition as none', () => {
    expect(addressSchema.parse({ ...address, houseNumberAddition: '' })).not.toHaveProperty(
      'houseNumberAddition',
    );
  });

  it.each(['2-hoog', 'abcdefghijk', 'é'])('rejects addition %j', (addition) => {
    expect(addressSchema.safeParse({ ...address, houseNumberAddition: addition }).success).toBe(false);
  });

  it.each(['', 'abc', '123456', 'a12', '-1'])('rejects house number %j', (houseNumber) => {
    expect(addressSchema.safeParse({ ...address, houseNumber }).success).toBe(false);
  });

  it('rejects a house number given as a number', () => {
    expect(errorsOf(addressSchema, { ...address, houseNumber: 12 })).toEqual([
      { field: 'houseNumber', code: 'invalid-format' },
    ]);
  });

  it.each([
    ['1234AB', '1234 AB'],
    ['1234 ab', '1234 AB'],
    [' 1234  AB ', '1234 AB'],
    ['9999zz', '9999 ZZ'],
    ['1000 AA', '1000 AA'],
  ])('normalises Dutch postcode %j to %j', (postcode, expected) => {
    expect(addressSchema.parse({ ...address, postcode }).postcode).toBe(expected);
  });

  it.each([
    '0123 AB',
    '1234 SA',
    '1234 sd',
    '1234SS',
    '123 AB',
    '12345 AB',
    '1234 A',
    '1234-AB',
    'ABCD 12',
    '1234 A1',
  ])('rejects Dutch postcode %j', (postcode) => {
    expect(errorsOf(addressSchema, { ...address, postcode })).toEqual([
      { field: 'postcode', code: 'invalid-postcode' },
    ]);
  });

  it('accepts SA/SD/SS elsewhere in the alphabet range, e.g. 1234 SB', () => {
    expect(addressSchema.parse({ ...address, postcode: '1234sb' }).postcode).toBe('1234 SB');
  });

  it.each([
    ['BE', '1000', '1000'],
    ['DE', ' 10115 ', '10115'],
    ['DE', 'D-10115', '10115'],
    ['GB', 'sw1a 1aa', 'SW1A 1AA'],
    ['US', '12345-6789', '12345-6789'],
    ['be', '1000', '1000'],
  ])('accepts a postcode of country %s', (country, postcode, expected) => {
    const parsed = addressSchema.parse({ ...address, country, postcode });
    expect(parsed.postcode).toBe(expected);
    expect(parsed.country).toBe(country.toUpperCase());
  });

  it.each(['1', '12345678901', 'AB_12', '-1234'])('rejects foreign postcode %j', (postcode) => {
    expect(errorsOf(addressSchema, { ...address, country: 'DE', postcode })).toEqual([
      { field: 'postcode', code: 'invalid-postcode-de' },
    ]);
    expect(errorsOf(addressSchema, { ...address, country: 'FR', postcode })).toEqual([
      { field: 'postcode', code: 'invalid-postcode-other' },
    ]);
  });

  it('checks the postcode against the given country, not NL', () => {
    // A Belgian four-digit postcode is not Dutch, and a Dutch one starting with 0 is fine abroad.
    expect(addressSchema.safeParse({ ...address, postcode: '1000' }).success).toBe(false);
    expect(addressSchema.safeParse({ ...address, country: 'FR', postcode: '0123' }).success).toBe(true);
  });

  it.each(['XX', 'NLD', 'N', '12', 'ZZ'])('rejects country %j', (country) => {
    expect(errorsOf(addressSchema, { ...address, country })).toContainEqual({
      field: 'country',
      code: 'invalid-country',
    });
  });

  it('requires street, house number, postcode and city', () => {
    expect(errorsOf(addressSchema, {})).toEqual([
      { field: 'street', code: 'required' },
      { field: 'houseNumber', code: 'required' },
      { field: 'postcode', code: 'required' },
      { field: 'city', code: 'required' },
    ]);
    expect(errorsOf(addressSchema, { ...address, street: '   ' })).toEqual([
      { field: 'street', code: 'required' },
    ]);
  });

  it('limits lengths', () => {
    expect(errorsOf(addressSchema, { ...address, street: 'a'.repeat(101) })).toEqual([
      { field: 'street', code: 'too-long' },
    ]);
    expect(addressSchema.safeParse({ ...address, street: 'a'.repeat(100) }).success).toBe(true);
    expect(errorsOf(addressSchema, { ...address, city: 'a'.repeat(81) })).toEqual([
      { field: 'city', code: 'too-long' },
    ]);
  });

  it('is strict: unknown keys are named', () => {
    expect(errorsOf(addressSchema, { ...address, province: 'Utrecht' })).toEqual([
      { field: 'province', code: 'unknown-field' },
    ]);
  });

  it('is idempotent, so stored data parses again', () => {
    const once = addressSchema.parse({ ...address, postcode: '3511ab', houseNumberAddition: 'bis' });
    expect(addressSchema.parse(once)).toEqual(once);
  });
});

describe('normalisePostcode', () => {
  it('returns undefined for invalid postcodes', () => {
    expect(normalisePostcode('0000 AA', 'NL')).toBeUndefined();
    expect(normalisePostcode('1234ab', 'NL')).toBe('1234 AB');
  });
});

describe('emailSchema', () => {
  it.each([
    ['praktijk@example.nl', 'praktijk@example.nl'],
    ['  Jan.De.Vries@Example.NL ', 'jan.de.vries@example.nl'],
    ['a+tag@sub.example.com', 'a+tag@sub.example.com'],
  ])('accepts %j as %j', (input, expected) => {
    expect(emailSchema.parse(input)).toBe(expected);
  });

  it.each(['', 'plainaddress', 'a@', '@example.nl', 'a b@example.nl', 'a@example', 'a@@example.nl'])(
    'rejects %j',
    (input) => {
      expect(emailSchema.safeParse(input).success).toBe(false);
    },
  );

  it('rejects addresses over 254 characters', () => {
    const long = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.nl`;
    expect(long.length).toBeGreaterThan(254);
    expect(errorsOf(emailSchema, long)).toEqual([{ field: '', code: 'too-long' }]);
  });

  it('codes a malformed address invalid-email', () => {
    expect(errorsOf(emailSchema, 'nope')).toEqual([{ field: '', code: 'invalid-email' }]);
  });

  it('normaliseEmail trims and lowercases the whole address', () => {
    expect(normaliseEmail('  Info@ZorgSom.NL\t')).toBe('info@zorgsom.nl');
  });
});

describe('ibanSchema', () => {
  it.each([
    ['NL91ABNA0417164300', 'NL91ABNA0417164300'],
    ['nl91 abna 0417 1643 00', 'NL91ABNA0417164300'],
    ['NL91 ABNA 0417 1643 00', 'NL91ABNA0417164300'],
    ['BE68 5390 0754 7034', 'BE68539007547034'],
    ['DE89 3704 0044 0532 0130 00', 'DE89370400440532013000'],
    ['FR14 2004 1010 0505 0001 3M02 606', 'FR1420041010050500013M02606'],
    ['GB29 NWBK 6016 1331 9268 19', 'GB29NWBK60161331926819'],
    ['gb82west12345698765432', 'GB82WEST12345698765432'],
  ])('accepts %j as %j', (input, expected) => {
    expect(ibanSchema.parse(input)).toBe(expected);
  });

  it.each([
    ['bad checksum', 'NL92ABNA0417164300'],
    ['bad checksum BE', 'BE69539007547034'],
    ['too short', 'NL91ABNA041716430'],
    ['too long', 'NL91ABNA04171643000'],
    ['unknown country', 'XX91ABNA0417164300'],
    ['garbage', 'not an iban'],
    ['overlong', 'NL91'.repeat(30)],
  ])('rejects %s', (_label, input) => {
    expect(errorsOf(ibanSchema, input)).toEqual([{ field: '', code: 'invalid-iban' }]);
  });

  it('requires a value', () => {
    expect(errorsOf(ibanSchema, '  ')).toEqual([{ field: '', code: 'required' }]);
  });
});

describe('nameSchema', () => {
  it('trims', () => {
    expect(nameSchema.parse('  Praktijk Zonneveld  ')).toBe('Praktijk Zonneveld');
  });

  it('accepts accents and apostrophes', () => {
    expect(nameSchema.parse("Zoë 't Hooft-Ångström")).toBe("Zoë 't Hooft-Ångström");
  });

  it.each([
    ['empty', '', 'required'],
    ['blank', '   ', 'required'],
    ['too long', 'a'.repeat(121), 'too-long'],
    ['newline', 'Jan\nPiet', 'invalid-format'],
    ['NUL', 'Jan\u0000', 'invalid-format'],
    ['line separator', 'Jan\u2028Piet', 'invalid-format'],
  ])('rejects %s', (_label, input, code) => {
    expect(errorsOf(nameSchema, input)).toEqual([{ field: '', code }]);
  });

  it('accepts exactly 120 characters', () => {
    expect(nameSchema.safeParse('a'.repeat(120)).success).toBe(true);
  });
});

describe('personalDataSchema', () => {
  it('holds exactly name, address, email and IBAN', () => {
    const parsed = personalDataSchema.parse(signup);
    expect(Object.keys(parsed).sort()).toEqual(['address', 'email', 'iban', 'name']);
  });

  it('refuses anything else', () => {
    expect(errorsOf(personalDataSchema, { ...signup, phone: '0612345678' })).toEqual([
      { field: 'phone', code: 'unknown-field' },
    ]);
    expect(errorsOf(personalDataSchema, { ...signup, marketingOptOut: true })).toEqual([
      { field: 'marketingOptOut', code: 'unknown-field' },
    ]);
  });

  it('reads a stored IBAN and country by their shape: the checksum and country list judged them when typed', () => {
    // A checksum or country ibantools would refuse today still reads (its tables may change after a profile
    // is stored), while typed input is still refused for both.
    const stored = { ...signup, iban: 'NL00ABNA0417164300', address: { ...address, country: 'XX' } };
    expect(personalDataSchema.parse(stored)).toMatchObject({
      iban: 'NL00ABNA0417164300',
      address: { country: 'XX' },
    });
    expect(errorsOf(signupBodySchema, stored)).toEqual([
      { field: 'address.country', code: 'invalid-country' },
      { field: 'iban', code: 'invalid-iban' },
    ]);
    expect(personalDataSchema.parse({ ...signup, iban: 'nl91 abna-0417 1643 00' }).iban).toBe(
      'NL91ABNA0417164300',
    );
    expect(errorsOf(personalDataSchema, { ...signup, iban: 'not an iban' })).toEqual([
      { field: 'iban', code: 'invalid-iban' },
    ]);
    expect(errorsOf(personalDataSchema, { ...signup, address: { ...address, country: 'NLD' } })).toEqual([
      { field: 'address.country', code: 'invalid-country' },
    ]);
  });
});

describe('signupBodySchema', () => {
  it('normalises and defaults marketingOptOut to false and the mail language to Dutch', () => {
    const parsed = signupBodySchema.parse({
      ...signup,
      email: ' Praktijk@Example.NL',
      iban: 'nl91 abna 0417 1643 00',
      address: { ...address, postcode: '3511ab' },
    });
    expect(parsed).toEqual({
      name: 'Dr. A. de Vries',
      address: { ...address, postcode: '3511 AB', country: 'NL' },
      email: 'praktijk@example.nl',
      iban: 'NL91ABNA0417164300',
      marketingOptOut: false,
      language: 'nl',
    });
  });

  it('keeps an explicit opt-out', () => {
    expect(signupBodySchema.parse({ ...signup, marketingOptOut: true }).marketingOptOut).toBe(true);
  });

  it('keeps the portal language sent (nl or en) and refuses any other', () => {
    expect(signupBodySchema.parse({ ...signup, language: 'en' }).language).toBe('en');
    const refused = signupBodySchema.safeParse({ ...signup, language: 'de' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['language', 'invalid-language'],
    ]);
  });

  it('rejects a non-boolean opt-out', () => {
    expect(errorsOf(signupBodySchema, { ...signup, marketingOptOut: 'yes' })).toEqual([
      { field: 'marketingOptOut', code: 'invalid-format' },
    ]);
  });

  it('names unknown fields at the top and in the address', () => {
    expect(
      errorsOf(signupBodySchema, { ...signup, kvk: '12345678', address: { ...address, floor: '2' } }),
    ).toEqual(
      expect.arrayContaining([
        { field: 'kvk', code: 'unknown-field' },
        { field: 'address.floor', code: 'unknown-field' },
      ]),
    );
  });

  it('reports every missing field', () => {
    expect(errorsOf(signupBodySchema, {})).toEqual([
      { field: 'name', code: 'required' },
      { field: 'address', code: 'required' },
      { field: 'email', code: 'required' },
      { field: 'iban', code: 'required' },
    ]);
  });
});

describe('profilePatchSchema', () => {
  it('accepts any one field', () => {
    expect(profilePatchSchema.parse({ name: 'Nieuw' })).toEqual({ name: 'Nieuw' });
    expect(profilePatchSchema.parse({ email: 'NEW@example.nl' })).toEqual({ email: 'new@example.nl' });
    expect(profilePatchSchema.parse({ iban: 'be68 5390 0754 7034' })).toEqual({ iban: 'BE68539007547034' });
  });

  it('rejects an empty patch', () => {
    expect(errorsOf(profilePatchSchema, {})).toEqual([{ field: '', code: 'empty-patch' }]);
  });

  it('requires a whole address when the address changes', () => {
    expect(errorsOf(profilePatchSchema, { address: { street: 'Nieuwe Gracht' } })).toEqual([
      { field: 'address.houseNumber', code: 'required' },
      { field: 'address.postcode', code: 'required' },
      { field: 'address.city', code: 'required' },
    ]);
    expect(profilePatchSchema.parse({ address }).address).toEqual({ ...address, country: 'NL' });
  });

  it('is strict', () => {
    expect(errorsOf(profilePatchSchema, { name: 'x', status: 'active' })).toEqual([
      { field: 'status', code: 'unknown-field' },
    ]);
  });
});

describe('small bodies', () => {
  it('marketingBodySchema', () => {
    expect(marketingBodySchema.parse({ optOut: true })).toEqual({ optOut: true });
    expect(errorsOf(marketingBodySchema, {})).toEqual([{ field: 'optOut', code: 'required' }]);
    expect(errorsOf(marketingBodySchema, { optOut: 'true' })).toEqual([
      { field: 'optOut', code: 'invalid-format' },
    ]);
    expect(errorsOf(marketingBodySchema, { optOut: true, email: 'a@b.nl' })).toEqual([
      { field: 'email', code: 'unknown-field' },
    ]);
  });

  it('emailCodeBodySchema', () => {
    expect(emailCodeBodySchema.parse({ email: 'A@Example.nl' })).toEqual({ email: 'a@example.nl' });
    expect(errorsOf(emailCodeBodySchema, { email: 'a@example.nl', code: '123456' })).toEqual([
      { field: 'code', code: 'unknown-field' },
    ]);
  });

  it('emailAndCodeBodySchema', () => {
    expect(emailAndCodeBodySchema.parse({ email: 'a@example.nl', code: ' 012345 ' })).toEqual({
      email: 'a@example.nl',
      code: '012345',
    });
    for (const code of ['12345', '1234567', 'abcdef', '12 345']) {
      expect(errorsOf(emailAndCodeBodySchema, { email: 'a@example.nl', code })).toEqual([
        { field: 'code', code: 'invalid-code' },
      ]);
    }
    expect(errorsOf(emailAndCodeBodySchema, { email: 'a@example.nl', code: 123456 })).toEqual([
      { field: 'code', code: 'invalid-format' },
    ]);
  });

  it('codeBodySchema', () => {
    expect(codeBodySchema.parse({ code: '999999' })).toEqual({ code: '999999' });
    expect(errorsOf(codeBodySchema, {})).toEqual([{ field: 'code', code: 'required' }]);
  });
});
