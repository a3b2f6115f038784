import { simpleParser, type Attachment } from 'mailparser';
import type { InboundMail } from '../../domain/mail-classification.js';
import { normaliseEmail } from '../../domain/licensee.js';

const textLikeTypes =
  /^(?:text\/|message\/rfc822|application\/(?:json|xml|csv|x-csv|rtf|vnd\.ms-excel\b(?!\.))|.*\+(?:json|xml)$)/i;
const textLikeNames = /\.(?:txt|csv|tsv|json|xml|htm|html|rtf|eml|md)$/i;

function isTextLike(attachment: Attachment): boolean {
  return textLikeTypes.test(attachment.contentType) || textLikeNames.test(attachment.filename ?? '');
}

/** A header line's value: the text after the first colon, folding undone. */
function headerValue(line: string): string {
  const colon = line.indexOf(':');
  return (colon === -1 ? '' : line.slice(colon + 1)).replace(/\r?\n[ \t]+/g, ' ').trim();
}

/**
 * Parses raw MIME with mailparser (multipart, HTML-only, quoted-printable and base64, any charset, RFC 2047
 * encoded words, attached messages) into what the intake decides on. Binary attachments are not kept;
 * text-like ones are decoded so the patient-data guard can read them.
 */
export async function parseInbound(raw: Buffer, envelopeSender: string): Promise<InboundMail> {
  const parsed = await simpleParser(raw, {
    skipImageLinks: true,
    skipTextToHtml: true,
    maxHtmlLengthToParse: 5_000_000,
  });
  const headers = new Map<string, string>();
  for (const { key, line } of parsed.headerLines) if (!headers.has(key)) headers.set(key, headerValue(line));
  const address = parsed.from?.value.find((entry) => entry.address)?.address;
  return {
    from: address ? normaliseEmail(address) : undefined,
    envelopeSender,
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    headers,
    contentType: (headers.get('content-type') ?? 'text/plain').toLowerCase(),
    attachmentTexts: parsed.attachments
      .filter(isTextLike)
      .map((attachment) => attachment.content.toString('utf8')),
  };
}
