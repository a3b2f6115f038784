import { describe, expect, it } from 'vitest';
import { parseInbound } from '../../../shared/services/mail-intake/parse.js';

const mail = (...lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1');
const parse = (raw: Buffer) => parseInbound(raw, 'envelope@example.nl');

// The fixture corpus (test/integration/mail) proves the parser on real clients' mails; these are the edges.
describe('parseInbound', () => {
  it('decodes latin-1 quoted-printable and keeps going past broken base64 in an attachment', async () => {
    const parsed = await parse(
      mail(
        'From: "Jan" <Jan@Example.NL>',
        'Subject: Privacy',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=iso-8859-1',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Graag inzage, be=EBindigd',
        '--b1',
        'Content-Type: text/csv; name=a.csv',
        'Content-Transfer-Encoding: base64',
        '',
        'MTIzNDU2Nzgy!!!bad*base64',
        // no closing boundary: malformed, as sent
      ),
    );
    expect(parsed.from).toBe('jan@example.nl');
    expect(parsed.text.trim()).toBe('Graag inzage, beëindigd');
    expect(parsed.attachmentTexts[0]).toContain('123456782');
    expect(parsed.contentType).toMatch(/^multipart\/mixed/);
  });

  it('decodes RFC 2047 words in several charsets, and a body in an unknown charset does not throw', async () => {
    const parsed = await parse(
      mail(
        'From: =?ISO-8859-1?Q?Jos=E9_M=FCller?= <jos@example.nl>',
        'Subject: =?iso-8859-1?q?Privacy_=E9=E9n?= =?utf-8?B?w6vDqw==?=',
        'Content-Type: text/plain; charset=x-unknown-charset',
        '',
        'hallo wereld',
      ),
    );
    expect(parsed.subject).toBe('Privacy éénëë');
    expect(parsed.text.trim()).toBe('hallo wereld');
  });

  it('turns an HTML-only body into its words: no head, style or script, lines and cells apart, entities decoded', async () => {
    const parsed = await parse(
      mail(
        'From: x@example.nl',
        'Subject: Privacy',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<html><head><title>Titel</title><style>p { color: red }</style></head><body><script>geheim()</script>',
        '<p>Een &amp; twee&nbsp;&euml;&#233;&#x20AC;</p><br>regel<table><tr><td>a</td><td>b</td></tr></table>',
        '<!-- opmerking --> <a href="https://x.example">link</a></body></html>',
      ),
    );
    expect(parsed.text).toBe('Een & twee\u00a0ëé€\n\nregel\n\na b\n\nlink');
  });

  it('gives text for a multipart/alternative whose only part is HTML (the guard must read it)', async () => {
    const parsed = await parse(
      mail(
        'From: x@example.nl',
        'Content-Type: multipart/alternative; boundary=zz',
        '',
        '--zz',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>BSN 123456782</p>',
        '--zz--',
      ),
    );
    expect(parsed.text).toBe('BSN 123456782');
  });

  it('markup that would make a parser backtrack is read in one pass', async () => {
    const html = '<'.repeat(300_000) + '<!--'.repeat(100_000) + '<style'.repeat(100_000);
    const parsed = await parse(mail('Content-Type: text/html', '', `<p>woord</p>${html}`));
    expect(parsed.text).toMatch(/^woord/);
  });

  it('a group in From names no single author', async () => {
    const parsed = await parse(mail('From: Team: a@example.nl, c@example.nl;', 'Subject: Privacy', '', 'x'));
    expect(parsed.from).toBeUndefined();
    expect(parsed.subject).toBe('Privacy');
  });

  it('keeps an attached message and a delivery status as attachments the guard reads, not as body', async () => {
    const parsed = await parse(
      mail(
        'From: x@example.nl',
        'Content-Type: multipart/report; report-type=delivery-status; boundary=r',
        '',
        '--r',
        'Content-Type: text/plain',
        '',
        'Not delivered',
        '--r',
        'Content-Type: message/delivery-status',
        '',
        'Final-Recipient: rfc822; oud@example.nl',
        '--r',
        'Content-Type: message/rfc822',
        '',
        'From: privacy@zorgsom.nl',
        'Subject: Privacy',
        '',
        'Forwarded words',
        '--r--',
      ),
    );
    expect(parsed.text.trim()).toBe('Not delivered');
    expect(parsed.attachmentTexts.join('\n')).toContain('Final-Recipient: rfc822; oud@example.nl');
    expect(parsed.attachmentTexts.join('\n')).toContain('Forwarded words');
  });

  it('a mail past the parser limits is still taken in: top-level headers read, the whole raw text to the guard', async () => {
    const depth = 300;
    const opening = Array.from({ length: depth }, (_, i) =>
      [`Content-Type: multipart/mixed; boundary=b${i}`, '', `--b${i}`].join('\r\n'),
    );
    const parsed = await parse(
      mail(
        'From: Deep <deep@example.nl>',
        'Subject: Privacy',
        ...opening,
        'Content-Type: text/plain',
        '',
        'BSN 123456782',
      ),
    );
    expect(parsed.from).toBe('deep@example.nl');
    expect(parsed.subject).toBe('Privacy');
    expect(parsed.text).toBe('');
    expect(parsed.attachmentTexts.join('\n')).toContain('BSN 123456782');
  });

  it('random bytes do not throw', async () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    await expect(parse(bytes)).resolves.toMatchObject({ envelopeSender: 'envelope@example.nl' });
  });
});
