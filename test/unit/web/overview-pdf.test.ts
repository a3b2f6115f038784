/** The PDF overview letter, parsed back with a PDF text extractor: everything held is in it, in both languages. */
import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { policy } from '../../../shared/domain/policy.js';
import { policyTexts } from '../../../shared/domain/policy-texts.js';
import type { LicenseeExport } from '../../../shared/services/export.js';
import { renderOverviewPdf } from '../../../shared/services/overview-pdf.js';

const data: LicenseeExport = {
  $schema: 'http://localhost/api/export-schema',
  generatedAt: '2026-12-01T10:00:00.000Z',
  controller: { name: policy.controller.name, contactEmail: policy.controller.contactEmail },
  profile: {
    licenseeId: '01JABCDEFGHJKMNPQRSTVWXYZ0',
    status: 'ended',
    personalData: {
      name: 'Ayşe Öztürk',
      address: {
        street: 'Keizersgracht',
        houseNumber: '123',
        houseLetter: 'A',
        postcode: '1015 CJ',
        city: 'Amsterdam',
        country: 'NL',
      },
      email: 'ayse@example.nl',
      iban: 'NL91ABNA0417164300',
    },
    marketingOptOut: true,
    licence: { startedAt: '2025-01-02T09:00:00.000Z', endedAt: '2026-11-30T09:00:00.000Z' },
    emailChangePending: false,
  },
  retention: { rule: 'x', destroyedBy: '2028-10-19T23:00:00.000Z' },
  privacyRequests: [],
  disclosures: [],
  dataCategories: policy.dataCategories.map((c) => ({ ...c })),
  purposes: policyTexts.purposes.map((p) => ({ ...p })),
} as unknown as LicenseeExport;

async function textOf(bytes: Uint8Array): Promise<string> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const { text } = await extractText(pdf, { mergePages: true });
  return text;
}

describe('overview letter (PDF)', () => {
  it.each([
    [
      'nl',
      [
        'Overzicht van uw persoonsgegevens',
        'Beste Ayse Öztürk',
        '20 oktober 2028',
        'U bent afgemeld.',
        'Keizersgracht 123A',
        '1015 CJ Amsterdam',
        'Nederland',
        'NL91 ABNA 0417 1643 00',
        'ayse@example.nl',
      ],
    ],
    [
      'en',
      [
        'Overview of your personal data',
        'Dear Ayse Öztürk',
        '20 October 2028',
        'You have opted out.',
        'Netherlands',
      ],
    ],
  ] as const)('holds the licensee’s data and the destruction date (%s)', async (language, expected) => {
    const bytes = await renderOverviewPdf(data, language);
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');
    const text = (await textOf(bytes)).replace(/\s+/g, ' ');
    for (const part of expected) {
      expect(text).toContain(part);
    }
  });
});
