/**
 * HTML character references in the text of an HTML-only mail body, decoded as HTML5 decodes them in text.
 *
 * Our own rather than the `entities` package: mail-intake already carries postal-mime, whose own full
 * entity table is not exported, and `entities` would add a second table (≈ 30 KB read at every cold init)
 * for a path that needs only the names mail clients write. Reaching into postal-mime's `dist/` for its
 * table is refused by its package exports and would tie us to a file any release may rename. Decoded here: every numeric reference (decimal
 * or hex, with or without `;`, with HTML5's windows-1252 reading of 128–159 and U+FFFD for 0, surrogates and
 * anything past U+10FFFF) and the named references of HTML 4.01 (Latin-1, symbols and Greek, special: 252
 * names) plus `&apos;` and the upper-case legacy aliases, the legacy ones also without `;` as HTML5 reads
 * them (`&copy 2026`, `&notin` → `¬in`). Any other name (HTML5 added some 2000, e.g. `&NewLine;`) is left as
 * written: the words around it still reach the classifier and the patient-data guard. Checked against
 * `entities` for this whole subset in test/unit/mail/html-entities.test.ts.
 */

/** Latin-1 supplement U+00A0–U+00FF in order: all of them legacy names (also decoded without `;`). */
const latin1Names =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 ' +
  'acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml ' +
  'Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde ' +
  'Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ' +
  'ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide ' +
  'oslash ugrave uacute ucirc uuml yacute thorn yuml';

/** The other legacy names, decoded without `;` too. */
const otherLegacy = 'quot 22 amp 26 lt 3c gt 3e QUOT 22 AMP 26 LT 3c GT 3e COPY a9 REG ae';

/** The rest of HTML 4.01's names (plus `apos`), `;` required; code points as HTML5 gives them. */
const withSemicolon =
  'apos 27 OElig 152 oelig 153 Scaron 160 scaron 161 Yuml 178 circ 2c6 tilde 2dc ensp 2002 emsp 2003 ' +
  'thinsp 2009 zwnj 200c zwj 200d lrm 200e rlm 200f ndash 2013 mdash 2014 lsquo 2018 rsquo 2019 sbquo 201a ' +
  'ldquo 201c rdquo 201d bdquo 201e dagger 2020 Dagger 2021 permil 2030 lsaquo 2039 rsaquo 203a euro 20ac ' +
  'fnof 192 Alpha 391 Beta 392 Gamma 393 Delta 394 Epsilon 395 Zeta 396 Eta 397 Theta 398 Iota 399 ' +
  'Kappa 39a Lambda 39b Mu 39c Nu 39d Xi 39e Omicron 39f Pi 3a0 Rho 3a1 Sigma 3a3 Tau 3a4 Upsilon 3a5 ' +
  'Phi 3a6 Chi 3a7 Psi 3a8 Omega 3a9 alpha 3b1 beta 3b2 gamma 3b3 delta 3b4 epsilon 3b5 zeta 3b6 eta 3b7 ' +
  'theta 3b8 iota 3b9 kappa 3ba lambda 3bb mu 3bc nu 3bd xi 3be omicron 3bf pi 3c0 rho 3c1 sigmaf 3c2 ' +
  'sigma 3c3 tau 3c4 upsilon 3c5 phi 3c6 chi 3c7 psi 3c8 omega 3c9 thetasym 3d1 upsih 3d2 piv 3d6 ' +
  'bull 2022 hellip 2026 prime 2032 Prime 2033 oline 203e frasl 2044 weierp 2118 image 2111 real 211c ' +
  'trade 2122 alefsym 2135 larr 2190 uarr 2191 rarr 2192 darr 2193 harr 2194 crarr 21b5 lArr 21d0 ' +
  'uArr 21d1 rArr 21d2 dArr 21d3 hArr 21d4 forall 2200 part 2202 exist 2203 empty 2205 nabla 2207 ' +
  'isin 2208 notin 2209 ni 220b prod 220f sum 2211 minus 2212 lowast 2217 radic 221a prop 221d infin 221e ' +
  'ang 2220 and 2227 or 2228 cap 2229 cup 222a int 222b there4 2234 sim 223c cong 2245 asymp 2248 ne 2260 ' +
  'equiv 2261 le 2264 ge 2265 sub 2282 sup 2283 nsub 2284 sube 2286 supe 2287 oplus 2295 otimes 2297 ' +
  'perp 22a5 sdot 22c5 lceil 2308 rceil 2309 lfloor 230a rfloor 230b lang 27e8 rang 27e9 loz 25ca ' +
  'spades 2660 clubs 2663 hearts 2665 diams 2666';

/** HTML5's reading of numeric references 128–159 as windows-1252 (0 where it keeps the code point). */
const windows1252 = [
  0x20ac, 0, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0, 0x17d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0, 0x17e,
  0x178,
];

let tables: { named: Map<string, string>; legacy: Map<string, string>; longestLegacy: number } | undefined;

/** Built on the first HTML-only mail, not at import: most mails have a text part. */
function entityTables() {
  if (tables) return tables;
  const legacy = new Map<string, string>();
  latin1Names.split(' ').forEach((name, index) => legacy.set(name, String.fromCharCode(0xa0 + index)));
  const pairs = (list: string) => {
    const words = list.split(' ');
    const out: [string, string][] = [];
    for (let i = 0; i < words.length; i += 2)
      out.push([words[i]!, String.fromCodePoint(parseInt(words[i + 1]!, 16))]);
    return out;
  };
  for (const [name, value] of pairs(otherLegacy)) legacy.set(name, value);
  const named = new Map([...legacy, ...pairs(withSemicolon)]);
  tables = { named, legacy, longestLegacy: Math.max(...[...legacy.keys()].map((name) => name.length)) };
  return tables;
}

function fromCodePoint(codePoint: number): string {
  if (codePoint === 0 || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff))
    return '\ufffd';
  const remapped = codePoint >= 0x80 && codePoint <= 0x9f ? windows1252[codePoint - 0x80] : 0;
  return String.fromCodePoint(remapped || codePoint);
}

const reference = /&(?:#([0-9]+);?|#[xX]([0-9a-fA-F]+);?|([A-Za-z][A-Za-z0-9]*)(;?))/g;

export function decodeHtmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(
    reference,
    (match, decimal?: string, hex?: string, name?: string, semicolon?: string) => {
      // Digits past 7 are past U+10FFFF whatever they say (and would lose precision as a number).
      if (decimal !== undefined)
        return fromCodePoint(decimal.replace(/^0+/, '').length > 7 ? 0x110000 : Number(decimal));
      if (hex !== undefined)
        return fromCodePoint(hex.replace(/^0+/, '').length > 6 ? 0x110000 : parseInt(hex, 16));
      const { named, legacy, longestLegacy } = entityTables();
      if (semicolon && named.has(name!)) return named.get(name!)!;
      // HTML5: without a known `name;`, the longest legacy name the text starts with is a reference.
      for (let length = Math.min(name!.length, longestLegacy); length >= 2; length -= 1) {
        const value = legacy.get(name!.slice(0, length));
        if (value !== undefined) return value + match.slice(1 + length);
      }
      return match;
    },
  );
}
