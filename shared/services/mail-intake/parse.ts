import PostalMime, { type Attachment, type Email } from 'postal-mime';
import type { InboundMail } from '../../domain/mail-classification.js';
import { normaliseEmail } from '../../domain/licensee.js';
import { decodeHtmlEntities } from './html-entities.js';

const textLikeTypes =
  /^(?:text\/|message\/(?:rfc822|delivery-status)|application\/(?:json|xml|csv|x-csv|rtf|vnd\.ms-excel\b(?!\.))|.*\+(?:json|xml)$)/i;
const textLikeNames = /\.(?:txt|csv|tsv|json|xml|htm|html|rtf|eml|md)$/i;

function isTextLike(attachment: Attachment): boolean {
  return textLikeTypes.test(attachment.mimeType) || textLikeNames.test(attachment.filename ?? '');
}

/** A header line's value: the text after the first colon, folding undone. */
function headerValue(line: string): string {
  const colon = line.indexOf(':');
  return (colon === -1 ? '' : line.slice(colon + 1)).replace(/\r?\n[ \t]+/g, ' ').trim();
}

/** `html` without every `<open …>…</close>` block, found with indexOf so an unclosed opener costs one scan. */
function dropBlocks(html: string, open: RegExp, close: string): string {
  let out = '';
  let from = 0;
  const lower = html.toLowerCase();
  for (open.lastIndex = 0; ;) {
    const start = open.exec(lower);
    if (!start) break;
    out += html.slice(from, start.index) + ' ';
    const end = lower.indexOf(close, open.lastIndex);
    if (end === -1) return out;
    from = end + close.length;
    open.lastIndex = from;
  }
  return out + html.slice(from);
}

/**
 * The words of an HTML-only body, for the classifier and the patient-data guard (postal-mime returns such a
 * body as html only). Linear passes, no DOM: no markup makes this slow (an unclosed `<` stops at the next one).
 * Lines and paragraphs as a reader sees them; character references decoded (./html-entities.ts).
 */
function htmlToText(html: string): string {
  let text = dropBlocks(html, /<!--/g, '-->');
  text = dropBlocks(text, /<head\b/g, '</head>');
  text = dropBlocks(text, /<style\b/g, '</style>');
  text = dropBlocks(text, /<script\b/g, '</script>');
  text = text
    .replace(/\s+/g, ' ')
    .replace(/<br\b[^<>]*>/gi, '\n')
    .replace(
      /<\/?(?:p|div|table|tr|li|ul|ol|h[1-6]|blockquote|pre|hr|section|article|header|footer)\b[^<>]*>/gi,
      '\n\n',
    )
    .replace(/<\/?(?:td|th)\b[^<>]*>/gi, ' ')
    .replace(/<[^<>]*>/g, '');
  return decodeHtmlEntities(text)
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function contentText(content: Attachment['content']): string {
  if (typeof content === 'string') return content;
  return Buffer.from(content instanceof ArrayBuffer ? new Uint8Array(content) : content).toString('utf8');
}

/**
 * Parses raw MIME with postal-mime (multipart, HTML-only turned into text, quoted-printable and base64, any
 * charset Node's TextDecoder knows, RFC 2047 encoded words) into what the intake decides on. Attached messages
 * stay attachments (as text, for the guard) rather than being merged into the body. Binary attachments are not
 * kept; text-like ones are decoded so the patient-data guard can read them.
 *
 * postal-mime instead of mailparser: no dependencies (mailparser brought iconv-lite, libmime, html-to-text and
 * more, ≈ 1.1 MB of mail-intake's bundle), so the function's cold init stays near its SDK clients' own.
 */
export async function parseInbound(raw: Buffer, envelopeSender: string): Promise<InboundMail> {
  const { parsed, unreadBody } = await parseWithinLimits(raw);
  const headers = new Map<string, string>();
  for (const { key, line } of parsed.headerLines) if (!headers.has(key)) headers.set(key, headerValue(line));
  // A group (`Team: a@x, b@y;`) names no single author: no From, as mailparser had it.
  const address = parsed.from?.address;
  return {
    from: address ? normaliseEmail(address) : undefined,
    envelopeSender,
    subject: parsed.subject ?? '',
    text: parsed.text ?? (parsed.html ? htmlToText(parsed.html) : ''),
    headers,
    contentType: (headers.get('content-type') ?? 'text/plain').toLowerCase(),
    attachmentTexts: parsed.attachments
      .filter(isTextLike)
      .map((attachment) => contentText(attachment.content))
      .concat(unreadBody ?? []),
  };
}

/**
 * postal-mime rejects a message past its limits (parts nested over 256 deep, over 2 MiB of headers) rather than
 * half-parsing it. Such a mail is still taken in: its top-level headers alone are parsed, and the whole raw
 * message goes to the patient-data guard as one text (undecoded), so what it says in plain text is still checked.
 */
async function parseWithinLimits(raw: Buffer): Promise<{ parsed: Email; unreadBody?: string }> {
  try {
    return { parsed: await PostalMime.parse(raw, { forceRfc822Attachments: true }) };
  } catch (error) {
    const crlf = raw.indexOf('\r\n\r\n');
    const lf = raw.indexOf('\n\n');
    const end = [crlf, lf].filter((at) => at !== -1).sort((a, b) => a - b)[0] ?? raw.length;
    const headers = await PostalMime.parse(
      Buffer.concat([raw.subarray(0, end), Buffer.from('\r\n\r\n')]),
    ).catch(() => {
      throw error;
    });
    return {
      parsed: { ...headers, text: undefined, html: undefined, attachments: [] },
      unreadBody: raw.toString('latin1'),
    };
  }
}
