/**
 * Our decoder of character references in HTML-only mail bodies (shared/services/mail-intake/html-entities.ts)
 * against `entities` (a dev dependency, kept as the reference implementation of HTML5's rules): the same
 * output for every name of our documented subset, with and without `;`, for numeric references of every
 * kind, and for random text built from them; any other name is left as written.
 */
import { decodeHTML } from 'entities/decode';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeHtmlEntities } from '../../../shared/services/mail-intake/html-entities.js';

// The subset, as the decoder documents it: HTML 4.01's 252 names, `apos`, and the upper-case legacy aliases.
const subset = (
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute ' +
  'micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig ' +
  'Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash ' +
  'Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc ' +
  'euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml ' +
  'yacute thorn yuml quot amp apos lt gt OElig oelig Scaron scaron Yuml circ tilde ensp emsp thinsp zwnj zwj lrm rlm ' +
  'ndash mdash lsquo rsquo sbquo ldquo rdquo bdquo dagger Dagger permil lsaquo rsaquo euro fnof Alpha Beta Gamma ' +
  'Delta Epsilon Zeta Eta Theta Iota Kappa Lambda Mu Nu Xi Omicron Pi Rho Sigma Tau Upsilon Phi Chi Psi Omega alpha ' +
  'beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigmaf sigma tau upsilon phi chi ' +
  'psi omega thetasym upsih piv bull hellip prime Prime oline frasl weierp image real trade alefsym larr uarr rarr ' +
  'darr harr crarr lArr uArr rArr dArr hArr forall part exist empty nabla isin notin ni prod sum minus lowast radic ' +
  'prop infin ang and or cap cup int there4 sim cong asymp ne equiv le ge sub sup nsub sube supe oplus otimes perp ' +
  'sdot lceil rceil lfloor rfloor lang rang loz spades clubs hearts diams AMP LT GT QUOT COPY REG'
).split(' ');

describe('HTML character references in mail text', () => {
  it('covers the documented subset: 252 HTML 4.01 names, apos, 6 upper-case legacy aliases', () => {
    expect(new Set(subset).size).toBe(259);
    for (const name of subset) expect(decodeHtmlEntities(`&${name};`), name).not.toBe(`&${name};`);
  });

  it('decodes every name of the subset as entities does, with `;`, without it and followed by text', () => {
    for (const name of subset)
      for (const input of [`&${name};`, `&${name}`, `x&${name}y`, `&${name};;`, `&${name} 2026`])
        expect(decodeHtmlEntities(input), input).toBe(decodeHTML(input));
  });

  it('decodes numeric references as HTML5 does: windows-1252 for 128–159, U+FFFD for 0, surrogates, too large', () => {
    const inputs = [
      '&#233;',
      '&#233',
      '&#x20AC;',
      '&#X20ac',
      '&#0;',
      '&#150;',
      '&#x80;',
      '&#x81;',
      '&#x9F;',
      '&#13;',
      '&#127;',
      '&#xD800;',
      '&#xDFFF;',
      '&#x10FFFF;',
      '&#x110000;',
      '&#1114112;',
      '&#99999999999999999999;',
      '&#x1F600;',
      '&#0000065;',
      '&#x00000041',
      '&#;',
      '&#x;',
      '&#xZ;',
      '&#65a',
      '&# 65;',
    ];
    for (const input of inputs) expect(decodeHtmlEntities(input), input).toBe(decodeHTML(input));
  });

  it('reads a legacy name inside a longer unknown one as HTML5 does (`&notin` → ¬in, `&ampx;` → &x;)', () => {
    for (const input of ['&notin', '&notit;', '&ampx;', '&copyright', '&nbspx', '&euro', '&Amp;', '&lt3'])
      expect(decodeHtmlEntities(input), input).toBe(decodeHTML(input));
  });

  it('leaves names outside the subset as written (the text around them is still read)', () => {
    expect(decodeHtmlEntities('a&NewLine;b &check; &unknown; & &&')).toBe(
      'a&NewLine;b &check; &unknown; & &&',
    );
  });

  it('agrees with entities on random text made of subset references, numbers, stray ampersands and words', () => {
    const piece = fc.oneof(
      fc.constantFrom(...subset).map((name) => `&${name};`),
      fc.constantFrom(...subset).map((name) => `&${name}`),
      fc.integer({ min: 0, max: 0x11ffff }).map((n) => `&#${n};`),
      fc.integer({ min: 0, max: 0x11ffff }).map((n) => `&#x${n.toString(16)}`),
      fc.constantFrom('&', ';', '#', 'x', ' ', 'BSN 123456782', 'é', '\n', 'amp', '<p>'),
      fc.string({ unit: fc.constantFrom('a', 'Z', '0', '9', '&', '#', ';', 'x', ' '), maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const input = pieces.join('');
        // Only inputs whose every named reference HTML5 would decode lies in the subset are comparable.
        const names = [...input.matchAll(/&([A-Za-z][A-Za-z0-9]*)/g)].map((m) => m[1]!);
        fc.pre(
          names.every(
            (name) =>
              subset.some((known) => name.startsWith(known)) || decodeHTML(`&${name};`) === `&${name};`,
          ),
        );
        expect(decodeHtmlEntities(input)).toBe(decodeHTML(input));
      }),
      { numRuns: 3000 },
    );
  });
});
