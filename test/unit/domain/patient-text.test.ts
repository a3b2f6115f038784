/** The free-text patient-data guard on the fixture lists: every positive caught, no negative refused. */
import { describe, expect, it } from 'vitest';
import { diagnoses, medications, patientTextSign } from '../../../shared/domain/patient-text.js';
import { negatives, positives } from '../../fixtures/patient-text.js';

describe('patient data in free text', () => {
  it('has at least 100 realistic positives and 100 realistic negatives', () => {
    expect(positives.length).toBeGreaterThanOrEqual(100);
    expect(negatives.length).toBeGreaterThanOrEqual(100);
  });

  it('catches every positive', () => {
    expect(positives.filter((sample) => patientTextSign(sample.text, sample.kind) === undefined)).toEqual([]);
  });

  it('refuses no negative (no practice name, person, street or ordinary request)', () => {
    expect(
      negatives
        .map((sample) => ({ ...sample, sign: patientTextSign(sample.text, sample.kind) }))
        .filter((sample) => sample.sign !== undefined),
    ).toEqual([]);
  });

  it('keeps its word lists folded, so a word written with diacritics in a text still matches', () => {
    const fold = (word: string) => word.normalize('NFD').replace(/\p{M}/gu, '');
    expect([...diagnoses, ...medications].filter((word) => fold(word) !== word)).toEqual([]);
    expect(patientTextSign('Mevrouw Bakker heeft cariës', 'text')).toBe('diagnosis');
  });

  it('names the kind of sign, not the text', () => {
    expect(patientTextSign('Jansen, geb. 12-03-1985', 'name')).toBe('date-of-birth');
    expect(patientTextSign('A. de Vries 12-03-1985', 'name')).toBe('date-in-name');
    expect(patientTextSign('Mijn verzoek van 03-04-2024', 'text')).toBeUndefined();
    expect(patientTextSign('Patiënt Pietersen', 'name')).toBe('patient-with-name');
    expect(patientTextSign('oxazepam 10 mg', 'name')).toBe('medication');
    expect(patientTextSign('Mevrouw Dekker heeft dementie', 'name')).toBe('diagnosis');
  });
});
