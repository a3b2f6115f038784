/**
 * The address parser on house numbers and postcodes as people write them in the Netherlands, Belgium and
 * Germany: split the way the BAG models them (huisnummer, huisletter, huisnummertoevoeging), written back
 * the Dutch way.
 */
import { describe, expect, it } from 'vitest';
import {
  addressLines,
  countryName,
  formatHouseNumber,
  normalisePostcode,
  parseHouseNumber,
  type HouseNumberParts,
} from '../../../shared/domain/address.js';
import { personalDataSchema } from '../../../shared/domain/licensee.js';
import { addressSchema } from '../../../shared/domain/licensee-input.js';

const parts = (
  houseNumber: string,
  houseLetter?: string,
  houseNumberAddition?: string,
): HouseNumberParts => ({
  houseNumber,
  ...(houseLetter ? { houseLetter } : {}),
  ...(houseNumberAddition ? { houseNumberAddition } : {}),
});

// [as written, country, BAG parts, as shown]
const houseNumbers: [string, string, HouseNumberParts, string][] = [
  ['1', 'NL', parts('1'), '1'],
  ['12', 'NL', parts('12'), '12'],
  ['123', 'NL', parts('123'), '123'],
  ['99999', 'NL', parts('99999'), '99999'],
  ['007', 'NL', parts('7'), '7'],
  ['12a', 'NL', parts('12', 'A'), '12A'],
  ['12A', 'NL', parts('12', 'A'), '12A'],
  ['12 a', 'NL', parts('12', 'A'), '12A'],
  ['12 A', 'NL', parts('12', 'A'), '12A'],
  ['12-A', 'NL', parts('12', 'A'), '12A'],
  ['123-A', 'NL', parts('123', 'A'), '123A'],
  ['12-a', 'NL', parts('12', 'A'), '12A'],
  ['12.a', 'NL', parts('12', 'A'), '12A'],
  ['12/b', 'NL', parts('12', 'B'), '12B'],
  ['12-2', 'NL', parts('12', undefined, '2'), '12-2'],
  ['12 2', 'NL', parts('12', undefined, '2'), '12-2'],
  ['12/2', 'NL', parts('12', undefined, '2'), '12-2'],
  ['12-14', 'NL', parts('12', undefined, '14'), '12-14'],
  ['12-101', 'NL', parts('12', undefined, '101'), '12-101'],
  ['12 bis', 'NL', parts('12', undefined, 'BIS'), '12 BIS'],
  ['12bis', 'NL', parts('12', undefined, 'BIS'), '12 BIS'],
  ['12-bis', 'NL', parts('12', undefined, 'BIS'), '12 BIS'],
  ['12 hs', 'NL', parts('12', undefined, 'HS'), '12 HS'],
  ['12-hs', 'NL', parts('12', undefined, 'HS'), '12 HS'],
  ['12 HS', 'NL', parts('12', undefined, 'HS'), '12 HS'],
  ['12-III', 'NL', parts('12', undefined, 'III'), '12-III'],
  ['12 II', 'NL', parts('12', undefined, 'II'), '12-II'],
  ['12 IV', 'NL', parts('12', undefined, 'IV'), '12-IV'],
  ['12 rd', 'NL', parts('12', undefined, 'RD'), '12 RD'],
  ['12 bg', 'NL', parts('12', undefined, 'BG'), '12 BG'],
  ['12 zw', 'NL', parts('12', undefined, 'ZW'), '12 ZW'],
  ['12 bv', 'NL', parts('12', undefined, 'BV'), '12 BV'],
  ['12 huis', 'NL', parts('12', undefined, 'HUIS'), '12 HUIS'],
  ['12a-2', 'NL', parts('12', 'A', '2'), '12A-2'],
  ['12 A 2', 'NL', parts('12', 'A', '2'), '12A-2'],
  ['12A-1', 'NL', parts('12', 'A', '1'), '12A-1'],
  ['12a1', 'NL', parts('12', 'A', '1'), '12A-1'],
  ['12 b rd', 'NL', parts('12', 'B', 'RD'), '12B RD'],
  ['  12   a  ', 'NL', parts('12', 'A'), '12A'],
  ['221 B', 'NL', parts('221', 'B'), '221B'],
  ['4 bus 3', 'BE', parts('4', undefined, '3'), '4 bus 3'],
  ['4 bus 12', 'BE', parts('4', undefined, '12'), '4 bus 12'],
  ['4/3', 'BE', parts('4', undefined, '3'), '4 bus 3'],
  ['120 bte 5', 'BE', parts('120', undefined, '5'), '120 bus 5'],
  ['12A bus 2', 'BE', parts('12', 'A', '2'), '12A bus 2'],
  ['31', 'BE', parts('31'), '31'],
  ['5a', 'DE', parts('5', 'A'), '5A'],
  ['5 a', 'DE', parts('5', 'A'), '5A'],
  ['112', 'DE', parts('112'), '112'],
  ['12-14', 'DE', parts('12', undefined, '14'), '12-14'],
  ['3b', 'DE', parts('3', 'B'), '3B'],
];

describe('parseHouseNumber: as people write it, split the BAG way', () => {
  it('has at least 50 real-shaped house numbers', () =>
    expect(houseNumbers.length).toBeGreaterThanOrEqual(50));

  it.each(houseNumbers)('%j (%s) → %o, shown as %j', (written, country, expected, shown) => {
    const parsed = parseHouseNumber(written);
    expect(parsed).toEqual({ ok: true, ...expected });
    expect(formatHouseNumber(expected, country)).toBe(shown);
  });

  it.each([
    ['', 'invalid-house-number'],
    ['a', 'invalid-house-number'],
    ['A12', 'invalid-house-number'],
    ['huisnummer 12', 'invalid-house-number'],
    ['0', 'invalid-house-number'],
    ['-1', 'invalid-house-number'],
    ['12 é', 'invalid-house-number'],
    ['12 #3', 'invalid-house-number'],
    ['123456', 'house-number-too-long'],
    ['12 boven', 'house-number-addition-too-long'],
    ['12-2-hoog', 'house-number-addition-too-long'],
  ])('refuses %j with %s', (written, code) => {
    expect(parseHouseNumber(written)).toEqual({ ok: false, code });
  });

  it('joins a separately typed addition', () => {
    expect(parseHouseNumber('12', 'A')).toEqual({ ok: true, houseNumber: '12', houseLetter: 'A' });
    expect(parseHouseNumber('12', 'bis')).toEqual({
      ok: true,
      houseNumber: '12',
      houseNumberAddition: 'BIS',
    });
    expect(parseHouseNumber('12a', '2')).toEqual({
      ok: true,
      houseNumber: '12',
      houseLetter: 'A',
      houseNumberAddition: '2',
    });
  });
});

const postcodes: [string, string, string | undefined][] = [
  ['1015CJ', 'NL', '1015 CJ'],
  ['1015 cj', 'NL', '1015 CJ'],
  [' 1015  CJ ', 'NL', '1015 CJ'],
  ['3511ab', 'NL', '3511 AB'],
  ['9999 ZZ', 'NL', '9999 ZZ'],
  ['1000 AA', 'NL', '1000 AA'],
  ['NL-1015 CJ', 'NL', '1015 CJ'],
  ['6211 LD', 'NL', '6211 LD'],
  ['0123 AB', 'NL', undefined],
  ['1234 SA', 'NL', undefined],
  ['1234 SD', 'NL', undefined],
  ['1234 SS', 'NL', undefined],
  ['12AB', 'NL', undefined],
  ['12345', 'NL', undefined],
  ['1234 A', 'NL', undefined],
  ['1000', 'BE', '1000'],
  ['2000', 'BE', '2000'],
  ['B-9000', 'BE', '9000'],
  ['b 3500', 'BE', '3500'],
  ['8400', 'BE', '8400'],
  ['0999', 'BE', undefined],
  ['10000', 'BE', undefined],
  ['1000 AB', 'BE', undefined],
  ['10115', 'DE', '10115'],
  ['01067', 'DE', '01067'],
  ['D-80331', 'DE', '80331'],
  ['d 20095', 'DE', '20095'],
  ['47533', 'DE', '47533'],
  ['00123', 'DE', undefined],
  ['99999', 'DE', undefined],
  ['1011', 'DE', undefined],
  ['1011 AB', 'DE', undefined],
  ['L-1234', 'LU', 'L-1234'],
  ['SW1A 1AA', 'GB', 'SW1A 1AA'],
  ['75008', 'FR', '75008'],
];

describe('normalisePostcode per country', () => {
  it('has at least 30 real-shaped postcodes', () => expect(postcodes.length).toBeGreaterThanOrEqual(30));

  it.each(postcodes)('%j in %s → %j', (postcode, country, expected) => {
    expect(normalisePostcode(postcode, country)).toBe(expected);
  });
});

describe('addressSchema stores the BAG split and says what to type', () => {
  const base = { street: 'Keizersgracht', postcode: '1015cj', city: 'Amsterdam' };

  it('splits "123-A" into number and letter', () => {
    expect(addressSchema.parse({ ...base, houseNumber: '123-A' })).toEqual({
      ...base,
      postcode: '1015 CJ',
      houseNumber: '123',
      houseLetter: 'A',
      country: 'NL',
    });
  });

  it('normalises a Belgian address with a box number', () => {
    expect(
      addressSchema.parse({
        street: 'Meir',
        houseNumber: '4 bus 3',
        postcode: 'B-2000',
        city: 'Antwerpen',
        country: 'be',
      }),
    ).toEqual({
      street: 'Meir',
      houseNumber: '4',
      houseNumberAddition: '3',
      postcode: '2000',
      city: 'Antwerpen',
      country: 'BE',
    });
  });

  it.each([
    [{ houseNumber: 'Keizersgracht 12' }, 'houseNumber', 'invalid-house-number'],
    [{ houseNumber: '12 boven' }, 'houseNumber', 'house-number-addition-too-long'],
    [
      { houseNumber: '12', houseNumberAddition: 'boven' },
      'houseNumberAddition',
      'house-number-addition-too-long',
    ],
    [{ houseNumber: '12', postcode: '1000' }, 'postcode', 'invalid-postcode'],
    [{ houseNumber: '12', postcode: '1015 CJ', country: 'BE' }, 'postcode', 'invalid-postcode-be'],
    [{ houseNumber: '12', postcode: '1015 CJ', country: 'DE' }, 'postcode', 'invalid-postcode-de'],
  ])('%o → %s: %s', (change, field, code) => {
    const result = addressSchema.safeParse({ ...base, ...change });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toContainEqual([
      field,
      code,
    ]);
  });

  it('still reads profiles stored before the split (digits and an addition of up to ten characters)', () => {
    const stored = {
      name: 'A. de Vries',
      email: 'a@example.nl',
      iban: 'NL91ABNA0417164300',
      address: {
        street: 'Hoofdstraat',
        houseNumber: '12',
        houseNumberAddition: '2-hoog',
        postcode: '3511 AB',
        city: 'Utrecht',
        country: 'NL',
      },
    };
    expect(personalDataSchema.parse(stored).address).toEqual({
      street: 'Hoofdstraat',
      houseNumber: '12',
      houseNumberAddition: '2HOOG',
      postcode: '3511 AB',
      city: 'Utrecht',
      country: 'NL',
    });
    const letter = { ...stored, address: { ...stored.address, houseNumberAddition: 'A' } };
    expect(personalDataSchema.parse(letter).address).toMatchObject({ houseNumber: '12', houseLetter: 'A' });
    expect(personalDataSchema.parse(letter).address).not.toHaveProperty('houseNumberAddition');
  });
});

describe('shown the Dutch way', () => {
  it('writes an envelope: street and number, postcode and city, the country by name', () => {
    const address = {
      street: 'Keizersgracht',
      houseNumber: '123',
      houseLetter: 'A',
      houseNumberAddition: '2',
      postcode: '1015 CJ',
      city: 'Amsterdam',
      country: 'NL',
    };
    expect(addressLines(address, 'nl')).toEqual(['Keizersgracht 123A-2', '1015 CJ Amsterdam', 'Nederland']);
    expect(addressLines(address, 'en')).toEqual(['Keizersgracht 123A-2', '1015 CJ Amsterdam', 'Netherlands']);
  });

  it.each([
    ['BE', 'nl', 'België'],
    ['BE', 'en', 'Belgium'],
    ['DE', 'nl', 'Duitsland'],
    ['DE', 'en', 'Germany'],
  ] as const)('names %s in %s as %s', (code, language, name) => {
    expect(countryName(code, language)).toBe(name);
  });
});
