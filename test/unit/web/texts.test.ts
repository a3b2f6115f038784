import { describe, expect, it } from 'vitest';
import { messages } from '../../../shared/domain/problems.js';
import { privacyRequestStatusSchema, privacyRequestTypeSchema } from '../../../shared/domain/records.js';
import { formatIban, nest, parseConfirmFragment, parseProblem } from '../../../web/src/problem.js';
import {
  fieldId,
  formatDate,
  requestStatusTexts,
  requestTypeIds,
  requestTypeTexts,
  texts,
} from '../../../web/src/texts.js';

describe('texts', () => {
  it('has a Dutch and an English text for every key, and they differ where they are prose', () => {
    for (const [key, text] of Object.entries(texts)) {
      expect(text.nl.trim(), key).not.toBe('');
      expect(text.en.trim(), key).not.toBe('');
    }
    expect(texts['home.title'].nl).not.toBe(texts['home.title'].en);
  });

  it('names every request type and status the API knows', () => {
    expect(requestTypeIds.sort()).toEqual([...privacyRequestTypeSchema.options].sort());
    expect(Object.keys(requestStatusTexts).sort()).toEqual([...privacyRequestStatusSchema.options].sort());
    expect(Object.keys(requestTypeTexts)).toHaveLength(6);
  });

  it('formats dates in Dutch and English, in Amsterdam time', () => {
    expect(formatDate('2026-01-31T23:30:00.000Z', 'nl')).toBe('1 februari 2026');
    expect(formatDate('2026-01-31T23:30:00.000Z', 'en')).toBe('1 February 2026');
    expect(formatDate('not a date', 'nl')).toBe('not a date');
  });

  it('maps API field paths to input ids', () => {
    expect(fieldId('address.postcode')).toBe('f-address-postcode');
    expect(fieldId('iban')).toBe('f-iban');
    expect(fieldId('items[0].name')).toBe('f-items-0-name');
  });
});

describe('problems from the API', () => {
  it('keeps the texts the API sends for the problem and each field', () => {
    const problem = parseProblem(400, {
      code: 'invalid-input',
      message: messages['invalid-input'],
      errors: [{ field: 'iban', code: 'invalid-iban', message: messages['invalid-iban'] }],
    });
    expect(problem).toEqual({
      status: 400,
      code: 'invalid-input',
      message: messages['invalid-input'],
      errors: [{ field: 'iban', code: 'invalid-iban', message: messages['invalid-iban'] }],
    });
  });

  it('falls back to a generic text for anything else, never showing a raw body', () => {
    expect(parseProblem(502, '<html>Bad gateway</html>').message).toEqual(messages.internal);
    expect(parseProblem(404, { type: 'about:blank', title: 'Not Found', status: 404 }).message).toEqual(
      messages.internal,
    );
    expect(parseProblem(429, { code: 'rate-limited' }).message).toEqual(messages['rate-limited']);
    expect(parseProblem(400, { code: 'x', errors: [{ field: 'a' }, null, 'b'] }).errors).toEqual([]);
  });
});

describe('form helpers', () => {
  it('nests field paths into a request body and leaves out empty optional fields', () => {
    expect(
      nest(
        [
          ['name', 'A'],
          ['address.street', 'Keizersgracht'],
          ['address.houseNumberAddition', ' '],
          ['address.postcode', '1015 CJ'],
        ],
        new Set(['address.houseNumberAddition']),
      ),
    ).toEqual({ name: 'A', address: { street: 'Keizersgracht', postcode: '1015 CJ' } });
  });

  it('reads the confirmation link fragment', () => {
    expect(parseConfirmFragment('#P-7K3M9Q2X.123456')).toEqual({ reference: 'P-7K3M9Q2X', code: '123456' });
    expect(parseConfirmFragment('#P-7K3M9Q2X')).toBeUndefined();
    expect(parseConfirmFragment('#P-7K3M9Q2X.12345')).toBeUndefined();
    expect(parseConfirmFragment('#<script>.123456')).toBeUndefined();
    expect(parseConfirmFragment('')).toBeUndefined();
    expect(parseConfirmFragment('#%E0%A4%A.123456')).toBeUndefined();
  });

  it('prints an IBAN in groups of four', () => {
    expect(formatIban('NL91ABNA0417164300')).toBe('NL91 ABNA 0417 1643 00');
  });
});
