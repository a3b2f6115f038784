import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { addressLines } from '../domain/address.js';
import { policy } from '../domain/policy.js';
import {
  disclosureBasisTexts,
  formatDate,
  legalBasisTexts,
  licenceStatusTexts,
  requestStatusTexts,
  requestTypeTexts,
  type Language,
  type Text,
} from '../../web/src/texts.js';
import type { LicenseeExport } from './export.js';

/**
 * The overview of everything ZorgSom holds about a licensee (statement §5: "een overzicht sturen") as a
 * letter in PDF, Dutch or English: addressed to the licensee, with the profile, the licence dates, the
 * marketing choice, every privacy request and disclosure, and the date everything is destroyed. Made with
 * pdf-lib (pure JavaScript, no native code, no fonts to fetch: the PDF standard fonts). This module is only
 * loaded on the PDF route (export.ts imports it lazily), so the rest of the function starts without it.
 */

const a4 = { width: 595.28, height: 841.89 };
const margin = 62;
const ink = rgb(0.106, 0.122, 0.141);
const muted = rgb(0.29, 0.333, 0.376);
const brand = rgb(0.027, 0.251, 0.353);

const pick = (table: Record<string, Text>, id: string, language: Language): string =>
  table[id]?.[language] ?? id;

/** Windows-1252, the standard fonts' encoding: Latin-1 plus these. */
const winAnsiExtras = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
function encodable(text: string): string {
  return [...text.normalize('NFC')]
    .map((char) => {
      const code = char.codePointAt(0) ?? 0;
      if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || winAnsiExtras.has(char)) {
        return char;
      }
      // "ş" → "s", "ł" stays unknown: the letter without its accent, or a question mark.
      const bare = char.normalize('NFD').replace(/\p{M}/gu, '');
      return bare !== char && /^[\x20-\x7e]+$/.test(bare) ? bare : '?';
    })
    .join('');
}

const words = {
  subject: { nl: 'Overzicht van uw persoonsgegevens', en: 'Overview of your personal data' },
  regarding: { nl: 'Betreft', en: 'Regarding' },
  dear: { nl: 'Beste', en: 'Dear' },
  intro: {
    nl: 'U vroeg om een overzicht van alle persoonsgegevens die ZorgSom van u bewaart. Hieronder staat alles wat wij van u hebben, zoals het op de datum van deze brief in ons systeem stond.',
    en: 'You asked for an overview of all the personal data ZorgSom keeps about you. Below is everything we hold, as it stood in our system on the date of this letter.',
  },
  personal: { nl: 'Uw gegevens', en: 'Your data' },
  name: { nl: 'Naam', en: 'Name' },
  address: { nl: 'Adres', en: 'Address' },
  email: { nl: 'E-mailadres', en: 'Email address' },
  iban: { nl: 'IBAN', en: 'IBAN' },
  licence: { nl: 'Uw licentie', en: 'Your licence' },
  status: { nl: 'Status', en: 'Status' },
  started: { nl: 'Gestart op', en: 'Started on' },
  ended: { nl: 'Beëindigd op', en: 'Ended on' },
  none: { nl: '—', en: '—' },
  marketing: { nl: 'Informatie over producten en diensten', en: 'Information about products and services' },
  marketingYes: { nl: 'U ontvangt deze informatie.', en: 'You receive this information.' },
  marketingNo: { nl: 'U bent afgemeld.', en: 'You have opted out.' },
  mailLanguage: { nl: 'Taal van onze e-mails', en: 'Language of our emails' },
  mailLanguageNl: { nl: 'Nederlands', en: 'Dutch' },
  mailLanguageEn: { nl: 'Engels', en: 'English' },
  retention: { nl: 'Wanneer wij uw gegevens vernietigen', en: 'When we destroy your data' },
  destroyedBy: {
    nl: 'Uw licentie is beëindigd. Wij vernietigen al uw gegevens uiterlijk op',
    en: 'Your licence has ended. We destroy all your data at the latest on',
  },
  whileActive: {
    nl: `Zolang uw licentie loopt, bewaren wij uw gegevens. Na het einde van uw licentie vernietigen wij ze binnen uiterlijk ${policy.retention.afterLicenceEndMonths / 12} jaar.`,
    en: `We keep your data as long as your licence runs. After it ends we destroy it within at most ${policy.retention.afterLicenceEndMonths / 12} years.`,
  },
  requests: { nl: 'Uw privacyverzoeken', en: 'Your privacy requests' },
  noRequests: { nl: 'U hebt geen privacyverzoeken gedaan.', en: 'You have made no privacy requests.' },
  received: { nl: 'ontvangen', en: 'received' },
  due: { nl: 'antwoord uiterlijk', en: 'answer due' },
  disclosures: { nl: 'Verstrekkingen aan anderen', en: 'Disclosures to others' },
  noDisclosures: {
    nl: 'Uw gegevens zijn aan niemand verstrekt.',
    en: 'Your data has not been given to anyone.',
  },
  purposes: { nl: 'Waarvoor wij uw gegevens gebruiken', en: 'What we use your data for' },
  closing: {
    nl: 'Klopt er iets niet, of mist u iets? Pas het aan op de pagina Mijn gegevens in het portaal, of mail ons.',
    en: 'Is anything wrong or missing? Change it on the My data page of the portal, or email us.',
  },
  regards: { nl: 'Met vriendelijke groet,', en: 'Kind regards,' },
  page: { nl: 'Pagina', en: 'Page' },
} satisfies Record<string, Text>;

/** Writes lines top to bottom, wrapping words and starting a new page when one is full. */
class Letter {
  private page: PDFPage;
  private y: number;
  readonly pages: PDFPage[] = [];

  constructor(
    private readonly doc: PDFDocument,
    private readonly regular: PDFFont,
    private readonly bold: PDFFont,
  ) {
    this.page = this.newPage();
    this.y = a4.height - margin;
  }

  private newPage(): PDFPage {
    const page = this.doc.addPage([a4.width, a4.height]);
    this.pages.push(page);
    this.y = a4.height - margin;
    return page;
  }

  private wrap(text: string, font: PDFFont, size: number, width: number): string[] {
    const lines: string[] = [];
    for (const paragraph of encodable(text).split('\n')) {
      let line = '';
      for (const word of paragraph.split(/\s+/)) {
        const candidate = line ? `${line} ${word}` : word;
        if (font.widthOfTextAtSize(candidate, size) <= width || !line) line = candidate;
        else {
          lines.push(line);
          line = word;
        }
      }
      lines.push(line);
    }
    return lines;
  }

  text(
    value: string,
    {
      size = 10.5,
      bold = false,
      color = ink,
      indent = 0,
      gap = 4,
    }: { size?: number; bold?: boolean; color?: ReturnType<typeof rgb>; indent?: number; gap?: number } = {},
  ): void {
    const font = bold ? this.bold : this.regular;
    const leading = size * 1.4;
    for (const line of this.wrap(value, font, size, a4.width - 2 * margin - indent)) {
      if (this.y - leading < margin + 20) this.page = this.newPage();
      this.y -= leading;
      this.page.drawText(line, { x: margin + indent, y: this.y, size, font, color });
    }
    this.y -= gap;
  }

  /** A label and its value on one line (the value wraps under itself). */
  fact(label: string, value: string): void {
    const labelWidth = 130;
    const size = 10.5;
    const leading = size * 1.4;
    const lines = this.wrap(value, this.regular, size, a4.width - 2 * margin - labelWidth);
    if (this.y - leading * lines.length < margin + 20) this.page = this.newPage();
    this.y -= leading;
    this.page.drawText(encodable(label), { x: margin, y: this.y, size, font: this.bold, color: muted });
    lines.forEach((line, index) => {
      if (index > 0) this.y -= leading;
      this.page.drawText(line, { x: margin + labelWidth, y: this.y, size, font: this.regular, color: ink });
    });
    this.y -= 3;
  }

  heading(value: string): void {
    if (this.y < margin + 90) this.page = this.newPage();
    this.y -= 10;
    this.text(value, { size: 13, bold: true, color: brand, gap: 2 });
  }

  /** A section of label-value lines. */
  facts(title: string, facts: readonly (readonly [label: string, value: string])[]): void {
    this.heading(title);
    for (const [label, value] of facts) this.fact(label, value);
  }

  /** A section of one paragraph. */
  paragraph(title: string, value: string): void {
    this.heading(title);
    this.text(value);
  }

  /** A section of entries, each written by `write`; the sentence `none` where there are none. */
  list<T>(title: string, entries: readonly T[], write: (entry: T) => void, none?: string): void {
    this.heading(title);
    if (entries.length === 0 && none !== undefined) this.text(none);
    entries.forEach(write);
  }

  space(points: number): void {
    this.y -= points;
  }
}

/** The overview letter as PDF bytes. */
export async function renderOverviewPdf(data: LicenseeExport, language: Language): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const say = (text: Text) => text[language];
  doc.setTitle(say(words.subject));
  doc.setAuthor(policy.controller.name);
  doc.setLanguage(language === 'nl' ? 'nl-NL' : 'en-GB');
  doc.setCreator(`${policy.controller.name} Privacy`);
  // A fixed producer and dates from the export: the same data gives the same document.
  doc.setProducer('pdf-lib');
  doc.setCreationDate(new Date(data.generatedAt));
  doc.setModificationDate(new Date(data.generatedAt));
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const letter = new Letter(doc, regular, bold);
  const profile = data.profile;
  const person = profile.personalData;
  const date = (iso: string | null | undefined) => (iso ? formatDate(iso, language) : say(words.none));

  // Sender, date, addressee: as a Dutch letter is laid out.
  letter.text(policy.controller.name, { size: 16, bold: true, color: brand, gap: 0 });
  letter.text(policy.controller.contactEmail, { color: muted, gap: 18 });
  letter.text(person.name, { gap: 0 });
  for (const line of addressLines(person.address, language)) letter.text(line, { gap: 0 });
  letter.space(18);
  letter.text(formatDate(data.generatedAt, language), { color: muted, gap: 10 });
  letter.text(`${say(words.regarding)}: ${say(words.subject)}`, { bold: true, gap: 12 });
  letter.text(`${say(words.dear)} ${person.name},`, { gap: 8 });
  letter.text(say(words.intro), { gap: 6 });

  letter.facts(say(words.personal), [
    [say(words.name), person.name],
    [say(words.address), addressLines(person.address, language).join('\n')],
    [say(words.email), person.email],
    [say(words.iban), person.iban.replace(/(.{4})(?=.)/g, '$1 ')],
  ]);
  letter.facts(say(words.licence), [
    [say(words.status), pick(licenceStatusTexts, profile.status, language)],
    [say(words.started), date(profile.licence.startedAt)],
    [say(words.ended), date(profile.licence.endedAt)],
  ]);
  letter.paragraph(
    say(words.mailLanguage),
    say(profile.language === 'en' ? words.mailLanguageEn : words.mailLanguageNl),
  );
  letter.paragraph(
    say(words.marketing),
    say(profile.marketingOptOut ? words.marketingNo : words.marketingYes),
  );
  letter.paragraph(
    say(words.retention),
    data.retention.destroyedBy
      ? `${say(words.destroyedBy)} ${formatDate(data.retention.destroyedBy, language)}.`
      : say(words.whileActive),
  );

  letter.list(
    say(words.requests),
    data.privacyRequests,
    (request) => {
      letter.text(`${request.reference} · ${pick(requestTypeTexts, request.type, language)}`, {
        bold: true,
        gap: 0,
      });
      letter.text(
        `${pick(requestStatusTexts, request.status, language)} · ${say(words.received)} ${date(request.receivedAt)} · ${say(words.due)} ${date(request.dueAt)}`,
        { indent: 12 },
      );
    },
    say(words.noRequests),
  );
  letter.list(
    say(words.disclosures),
    data.disclosures,
    (disclosure) => {
      const categories = disclosure.categories
        .map((id) => data.dataCategories.find((category) => category.id === id)?.[language] ?? id)
        .join(', ');
      letter.text(
        `${date(disclosure.disclosedAt)}: ${disclosure.recipient} — ${pick(disclosureBasisTexts, disclosure.basis, language)} — ${categories}`,
      );
    },
    say(words.noDisclosures),
  );
  letter.list(say(words.purposes), data.purposes, (purpose) =>
    letter.text(`• ${purpose[language]} (${pick(legalBasisTexts, purpose.legalBasis, language)})`, {
      gap: 1,
    }),
  );

  letter.space(14);
  letter.text(say(words.closing), { gap: 12 });
  letter.text(say(words.regards), { gap: 0 });
  letter.text(policy.controller.name, { bold: true });

  letter.pages.forEach((page, index) => {
    page.drawText(`${say(words.page)} ${index + 1} / ${letter.pages.length}`, {
      x: a4.width - margin - 60,
      y: margin / 2,
      size: 8.5,
      font: regular,
      color: muted,
    });
  });
  return doc.save();
}
