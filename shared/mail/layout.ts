import { policy } from '../domain/policy.js';
import type { MailLanguage } from '../domain/sending-policy.js';

/**
 * The one look of every mail ZorgSom sends: a text part and an HTML part with inline CSS only (mail clients
 * drop <style> and block remote content, so there are no images, fonts or links to assets), branded with
 * the ZorgSom name and colours as text. A mail is written once per language; `nl+en` (only to senders whose
 * language we cannot know) puts Dutch first and English below, in one mail.
 */

export interface MailText {
  subject: string;
  /** Paragraphs, blank-line separated in the text part; a line starting with `http` is shown as a button. */
  body: string;
}

const brand = { colour: '#0b5f63', text: '#1f2933', muted: '#52606d', background: '#f4f6f8' };

const escapeHtml = (value: string) =>
  value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');

/** Links in the text become links in the HTML; everything else is escaped. */
function paragraphHtml(paragraph: string): string {
  const lines = paragraph.split('\n').map((line) => {
    const escaped = escapeHtml(line);
    return escaped.replace(
      /https?:\/\/[^\s<]+/g,
      (url) =>
        `<a href="${url}" style="color:${brand.colour};text-decoration:underline;word-break:break-all">${url}</a>`,
    );
  });
  return `<p style="margin:0 0 16px 0;font-size:16px;line-height:1.5;color:${brand.text}">${lines.join('<br>')}</p>`;
}

const labels = {
  nl: { footer: 'Dit bericht is verstuurd door', language: 'Nederlands' },
  en: { footer: 'This message was sent by', language: 'English' },
} as const;

function sectionHtml(text: MailText, language: 'nl' | 'en'): string {
  return `<div lang="${language}">${text.body
    .split(/\n{2,}/)
    .map(paragraphHtml)
    .join('')}</div>`;
}

const footerText = (language: 'nl' | 'en') =>
  `${labels[language].footer} ${policy.controller.name} · ${policy.controller.contactEmail}`;

/** Renders one mail (subject, text and HTML) in `language` from its texts per language. */
export function renderMail(
  texts: Record<'nl' | 'en', MailText>,
  language: MailLanguage,
): { subject: string; text: string; html: string } {
  const parts: ('nl' | 'en')[] = language === 'nl+en' ? ['nl', 'en'] : [language];
  const subject = parts.map((part) => texts[part].subject).join(' / ');
  const text =
    parts.map((part) => texts[part].body).join('\n\n---\n\n') + `\n\n-- \n${footerText(parts[0]!)}`;
  const sections = parts
    .map((part) => sectionHtml(texts[part], part))
    .join(`<hr style="border:none;border-top:1px solid #d9e2ec;margin:24px 0">`);
  const html =
    `<!DOCTYPE html><html lang="${parts[0]}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>` +
    `<body style="margin:0;padding:0;background:${brand.background}">` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:${brand.background}"><tr><td align="center" style="padding:24px 12px">` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border-radius:6px;font-family:Arial,Helvetica,sans-serif">` +
    `<tr><td style="background:${brand.colour};border-radius:6px 6px 0 0;padding:16px 24px;color:#ffffff;font-size:20px;font-weight:bold">${policy.controller.name}</td></tr>` +
    `<tr><td style="padding:24px">${sections}</td></tr>` +
    `<tr><td style="padding:16px 24px;border-top:1px solid #d9e2ec;font-size:13px;line-height:1.4;color:${brand.muted}">${escapeHtml(footerText(parts[0]!))}</td></tr>` +
    `</table></td></tr></table></body></html>`;
  return { subject, text, html };
}
