import { describe, expect, it } from 'vitest';
import {
  containsBsn,
  findPatientData,
  formatPath,
  isPatientKey,
  isValidBsn,
} from '../../../shared/domain/patient-guard.js';

/** The 11-proef written out, to check the examples independently of the implementation. */
function elevenCheck(digits: string): number {
  const d = digits.split('').map(Number);
  return (
    (9 * d[0]! + 8 * d[1]! + 7 * d[2]! + 6 * d[3]! + 5 * d[4]! + 4 * d[5]! + 3 * d[6]! + 2 * d[7]! - d[8]!) %
    11
  );
}

const validBsns = ['111222333', '123456782', '999999990'];

describe('isValidBsn', () => {
  it.each(validBsns)('the example %s passes the 11-proef', (bsn) => {
    expect(elevenCheck(bsn)).toBe(0);
    expect(isValidBsn(bsn)).toBe(true);
  });

  it.each(['123456789', '111222334', '999999991', '123456781'])('rejects %s', (bsn) => {
    expect(elevenCheck(bsn)).not.toBe(0);
    expect(isValidBsn(bsn)).toBe(false);
  });

  it('rejects all zeros', () => {
    expect(isValidBsn('000000000')).toBe(false);
    expect(isValidBsn('00000000')).toBe(false);
  });

  it('reads eight digits with a leading zero', () => {
    // 012345672: 0+8+14+18+20+20+18+14-2 = 110 = 10·11
    expect(elevenCheck('012345672')).toBe(0);
    expect(isValidBsn('12345672')).toBe(true);
    expect(isValidBsn('012345672')).toBe(true);
    expect(isValidBsn('12345673')).toBe(false);
  });

  it.each(['', '1234567', '1234567820', '12345678a', ' 123456782', '123 456 782', '-23456782'])(
    'rejects the non-BSN shape %j',
    (input) => {
      expect(isValidBsn(input)).toBe(false);
    },
  );
});

describe('containsBsn', () => {
  it.each([
    '123456782',
    'BSN 123456782',
    'bsn: 123456782.',
    '123 456 782',
    '1234.56.782',
    '123-456-782',
    '12 34 56 782',
    '123 - 456 - 782',
    'mijn nummer is 111.222.333, toch?',
    'x999999990y',
  ])('finds a BSN in %j', (text) => {
    expect(containsBsn(text)).toBe(true);
  });

  it.each([
    // IBANs, electronic and printed: their digit runs are longer than nine.
    'NL91ABNA0417164300',
    'NL91 ABNA 0417 1643 00',
    'NL02ABNA0123456789',
    'NL20INGB0001234567',
    'BE68539007547034',
    'BE68 5390 0754 7034',
    'DE89370400440532013000',
    'DE89 3704 0044 0532 0130 00',
    'FR1420041010050500013M02606',
    'FR14 2004 1010 0505 0001 3M02 606',
    'GB29NWBK60161331926819',
    'GB29 NWBK 6016 1331 9268 19',
    // A valid BSN inside a longer number is not one.
    '1234567820',
    '0123456782',
    '1123456782',
    '123456782 1',
    // Phone numbers.
    '0612345678',
    '06-12345678',
    '+31 6 12345678',
    '+31 (0)6 1234 5678',
    '020 123 4567',
    '0031201234567',
    // Postcodes, house numbers, dates, codes.
    '1234 AB',
    '3511 AB 12',
    'Hoofdstraat 12345',
    '2024-01-31',
    '31.01.2024',
    '123456',
    '12345678',
    // Nine digits that fail the 11-proef.
    '123456789',
    '123 456 789',
  ])('finds no BSN in %j', (text) => {
    expect(containsBsn(text)).toBe(false);
  });
});

describe('isPatientKey', () => {
  it.each([
    'bsn',
    'BSN',
    'bsnNummer',
    'burgerservicenummer',
    'BurgerServiceNummer',
    'patient',
    'patients',
    'patientName',
    'Patiënt',
    'patiëntnummer',
    'mainPatient',
    'client',
    'clientId',
    'cliënt',
    'Cliëntnaam',
    'diagnose',
    'diagnosis',
    'Diagnoses',
    'dateOfBirth',
    'date_of_birth',
    'date-of-birth',
    'birthDate',
    'geboortedatum',
    'Geboortedatum',
    'medical',
    'medicalHistory',
    'zorgverzekering',
    'zorgverzekeraar',
    'insurance',
    'insuranceNumber',
    'healthInsurance',
    'dossier',
    'dossierNummer',
    'patient_bsn',
  ])('flags %j', (key) => {
    expect(isPatientKey(key)).toBe(true);
  });

  it.each([
    'name',
    'address',
    'street',
    'houseNumber',
    'houseNumberAddition',
    'postcode',
    'city',
    'country',
    'email',
    'iban',
    'marketingOptOut',
    'optOut',
    'code',
    'jobsName',
    'absent',
  ])('leaves %j alone', (key) => {
    expect(isPatientKey(key)).toBe(false);
  });
});

describe('formatPath', () => {
  it('writes paths as people read them', () => {
    expect(formatPath([])).toBe('');
    expect(formatPath(['address', 'street'])).toBe('address.street');
    expect(formatPath(['patients', 0, 'name'])).toBe('patients[0].name');
    expect(formatPath([0, 'a', 1, 2])).toBe('[0].a[1][2]');
  });

  it('hides a key that holds a BSN and cuts long keys', () => {
    expect(formatPath(['data', '123456782'])).toBe('data.*');
    expect(formatPath(['k'.repeat(500)])).toBe(`${'k'.repeat(64)}…`);
  });
});

describe('findPatientData', () => {
  const licensee = {
    name: 'Praktijk de Linde',
    address: {
      street: 'Hoofdstraat',
      houseNumber: '12',
      houseNumberAddition: 'A',
      postcode: '1234 AB',
      city: 'Zeist',
    },
    email: 'info@praktijk.nl',
    iban: 'NL91ABNA0417164300',
    marketingOptOut: false,
  };

  it('finds nothing in an ordinary licensee body', () => {
    expect(findPatientData(licensee)).toEqual([]);
    expect(findPatientData({ ...licensee, iban: 'NL91 ABNA 0417 1643 00' })).toEqual([]);
  });

  it.each([null, undefined, true, 0, 42, '', 'text', [], {}])('accepts the plain value %j', (value) => {
    expect(findPatientData(value)).toEqual([]);
  });

  it('finds a BSN as a top-level string or number', () => {
    expect(findPatientData('123456782')).toEqual([{ field: '', reason: 'bsn' }]);
    expect(findPatientData(123456782)).toEqual([{ field: '', reason: 'bsn' }]);
    expect(findPatientData(12345672)).toEqual([]);
  });

  it('finds a BSN hidden in any field, nested', () => {
    expect(
      findPatientData({ ...licensee, address: { ...licensee.address, street: 'Hoofdstraat 123.45.6782' } }),
    ).toEqual([{ field: 'address.street', reason: 'bsn' }]);
    expect(findPatientData({ ...licensee, name: 'Jan (111 222 333)' })).toEqual([
      { field: 'name', reason: 'bsn' },
    ]);
  });

  it('finds BSNs in arrays, as numbers and as strings', () => {
    expect(findPatientData({ notes: ['ok', 999999990, { text: 'bsn 123-456-782' }] })).toEqual([
      { field: 'notes[1]', reason: 'bsn' },
      { field: 'notes[2].text', reason: 'bsn' },
    ]);
  });

  it('flags keys that name patient data, nested and in arrays', () => {
    expect(
      findPatientData({
        name: 'x',
        patients: [{ naam: 'Piet', geboortedatum: '1970-01-01' }],
        extra: { Diagnose: 'griep', 'Cliënt-nummer': 'c1' },
      }),
    ).toEqual([
      { field: 'patients', reason: 'patient-field' },
      { field: 'patients[0].geboortedatum', reason: 'patient-field' },
      { field: 'extra.Diagnose', reason: 'patient-field' },
      { field: 'extra.Cliënt-nummer', reason: 'patient-field' },
    ]);
  });

  it('reports both the key and the BSN under it', () => {
    expect(findPatientData({ patient: { bsn: '123456782' } })).toEqual([
      { field: 'patient', reason: 'patient-field' },
      { field: 'patient.bsn', reason: 'patient-field' },
      { field: 'patient.bsn', reason: 'bsn' },
    ]);
  });

  it('finds a BSN used as a key without repeating it', () => {
    const findings = findPatientData({ list: { '123456782': 'Jan' } });
    expect(findings).toEqual([{ field: 'list.*', reason: 'bsn' }]);
  });

  it('does not trip on IBANs, phone numbers and postcodes anywhere', () => {
    expect(
      findPatientData({
        ibans: [
          'BE68539007547034',
          'DE89370400440532013000',
          'FR1420041010050500013M02606',
          'GB29NWBK60161331926819',
        ],
        phones: ['0612345678', '06-12345678', '+31 6 12345678', '020 123 4567', 3161234567],
        postcodes: ['1234 AB', '9999ZZ', '1000'],
        houseNumbers: ['1', '12345', 12],
        amount: 1234567.82,
      }),
    ).toEqual([]);
  });

  it('never includes the offending value', () => {
    const body = { patient: { bsn: '123456782', naam: 'Pietje Puk' }, notes: ['111.222.333'], x: 999999990 };
    const text = JSON.stringify(findPatientData(body));
    for (const value of ['123456782', '111.222.333', '111222333', '999999990', 'Pietje Puk']) {
      expect(text).not.toContain(value);
    }
  });

  it('survives very deep nesting and bounds the number of findings', () => {
    let deep: unknown = '123456782';
    for (let i = 0; i < 20_000; i++) deep = [deep];
    expect(findPatientData(deep)).toHaveLength(1);
    const many = Array.from({ length: 1000 }, () => '123456782');
    expect(findPatientData(many).length).toBeLessThanOrEqual(50);
  });
});
