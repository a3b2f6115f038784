import type { PrivacyRequestType } from './privacy-request.js';

/**
 * What a person asks for in a mail to info@, read from their own words. Pure. The phrasings it is held to
 * (Dutch and English, formal and informal, every common client's quoting) are in
 * test/unit/mail/intent-phrasings.test.ts; a misclassification found in real mail belongs there first.
 */

/** Accents and case folded away, so "Privacy", "PRIVACY" and "privacyverzoek" all read the same. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Only the top of a mail is the sender's own: the rest is quoted history (and bounds the regex work). */
const ownTextScanLength = 100_000;

/**
 * Where quoted history starts, as the common clients write it: Outlook's rule or header block (Dutch, English,
 * German, French), "-----Original Message-----", forwarded-message markers, and the attribution line of Gmail,
 * Apple Mail, iOS and Thunderbird ("Op … schreef …:", "On … wrote:", "Op … heeft … het volgende geschreven:",
 * "Am … schrieb …:", "Le … a écrit :"), which Gmail and Apple Mail wrap over two lines when it is long.
 */
const historySeparators = [
  /^-{2,}\s*(?:original message|oorspronkelijk bericht|forwarded message|doorgestuurd bericht|urspr[üu]ngliche nachricht|message d'origine)\s*-{2,}/im,
  /^(?:begin forwarded message|begin doorgestuurd bericht):/im,
  /^(?:>\s*)?(?:on|op|am|le)\s[^\n]{4,250}(?:\n[^\n]{0,250})?\b(?:wrote|schreef|schrieb|geschreven|a\s+[ée]crit)\b[^\n]{0,250}(?:\n[^\n]{0,20})?:[ \t]*$/im,
  /^_{10,}\s*$/m,
  /^(?:from|van|von|de)\s?:\s.+\n(?:.+\n){0,3}?(?:sent|verzonden|date|datum|gesendet|envoy[ée])\s?:\s/im,
];

/**
 * The sender's own words: quoted lines and everything after a reply or forward separator are cut, so a
 * quoted marketing footer ("meld u af") or an earlier mail never decides the intent.
 */
export function ownText(text: string): string {
  const scanned = text.slice(0, ownTextScanLength);
  let cut = scanned.length;
  for (const separator of historySeparators) {
    const match = separator.exec(scanned);
    if (match && match.index < cut) cut = match.index;
  }
  return scanned
    .slice(0, cut)
    .split(/\r?\n/)
    .filter((line) => !line.trimStart().startsWith('>'))
    .join('\n')
    .trim();
}

/** A signature separator ("-- ") or a mobile client's footer: what follows is not a request. */
const signatureStart =
  /^(?:-- ?|(?:verzonden|verstuurd|sent|gesendet|envoy[ée]) (?:vanaf|vanuit|met|from|with|von|mit|de(?:puis)?) (?:mijn|my|meinem|mon) .{0,40})$/im;

/** A confidentiality disclaimer ("… en het bericht te verwijderen", "… please delete it"): it asks nothing. */
const disclaimer =
  /uitsluitend bestemd|bestemd voor de geadresseerde|(?:onterecht|ten onrechte|abusievelijk|per abuis) (?:heeft )?ontvang|niet de (?:beoogde|juiste) ontvanger|intended (?:solely |only |exclusively )?for the (?:addressee|recipient|named|use)|received this (?:e-?mail|message|communication) in error|not the intended recipient|ausschlie(?:ß|ss)lich f[üu]r den adressaten/i;

/** The words that decide the intent: the own text without its signature, mobile footer and disclaimers. */
function intentWords(body: string): string {
  const own = ownText(body);
  const signature = signatureStart.exec(own);
  return (signature ? own.slice(0, signature.index) : own)
    .split(/\n\s*\n/)
    .filter((paragraph) => !disclaimer.test(paragraph))
    .join('\n\n');
}

/** Marketing opt-out, in Dutch and English. Matched first; its words are then removed for the rest. */
const optOutPatterns = [
  /\bafmelden\b/g,
  /\bafmelding\b/g,
  /\bafgemeld\b/g,
  /\bmeld (?:mij|me|ons|mijn praktijk) (?:\w+ ){0,3}af\b/g,
  /\buitschrijven\b/g,
  /\bschrijf (?:mij|me|ons) uit\b/g,
  /\bgeen (?:\w+ )?(?:reclame|marketing|nieuwsbrie\w*|mailings?|aanbiedingen|promoties?)\b/g,
  /\bgeen (?:\w+ )?(?:e-?mails?|mails) meer\b/g,
  /\b(?:niet langer|niet meer|geen) (?:\w+ ){0,3}(?:informatie|info) over (?:\w+ ){0,2}(?:producten|diensten)\b/g,
  /\b(?:stop|stoppen) (?:met )?(?:de |uw |jullie )?(?:reclame|marketing|nieuwsbrie\w*|mailings?)\b/g,
  /\b(?:verwijder|haal) (?:mij|me|ons|mijn adres) (?:\w+ ){0,2}(?:uit|van) (?:de |uw |jullie )?(?:mailinglijst|maillijst|verzendlijst|nieuwsbrie\w*|marketinglijst)\b/g,
  /\bunsubscribe\b/g,
  /\bopt[- ]?out\b/g,
  /\bopt (?:me|us) out\b/g,
  /\bno (?:more )?(?:marketing|advertising|advertisements|newsletters?|promotional (?:mail|e-?mails?))\b/g,
  /\bstop (?:sending )?(?:me )?(?:marketing|newsletters?|promotional)\b/g,
  /\bno longer (?:wish|want) to (?:receive|get) (?:\w+ )?(?:marketing|newsletters?|promotional|offers|advertising|e-?mails?)\b/g,
  /\b(?:remove|take) (?:me|us|my address) (?:off|from) (?:your |the )?(?:mailing|marketing|newsletter)/g,
];

const complaintPatterns = [
  /\bklacht\w*\b/,
  /\bklagen\b/,
  /\bontevreden\b/,
  /\bniet tevreden\b/,
  /\bniet (?:mee )?eens\b/,
  /\bonacceptabel\b/,
  /\bschandalig\b/,
  /\bcomplain\w*\b/,
  /\bunhappy\b/,
  /\bnot happy\b/,
  /\bdissatisfied\b/,
  /\bunacceptable\b/,
  /\breport (?:you|zorgsom|this|it) to\b/,
];

/** Words that ask for one thing. */
const requestPatterns: Record<'overview' | 'correction' | 'deletion', RegExp[]> = {
  overview: [
    /\binzage\w*\b/,
    /\binzien\b/,
    /\boverzicht\b/,
    /\bkopie (?:\w+ ){0,4}(?:persoons)?gegevens\b/,
    /\b(?:data |subject )?access request\b/,
    /\bsubject access\b/,
    /\bright of access\b/,
    /\baccess to (?:\w+ ){0,3}(?:data|information)\b/,
    /\boverview\b/,
    /\bcopy of (?:\w+ ){0,3}(?:data|information|details)\b/,
  ],
  correction: [
    /\bwijzig\w*\b/,
    /\bgewijzigd\b/,
    /\bcorrigeer\w*\b/,
    /\bcorrigeren\b/,
    /\bcorrectie\b/,
    /\baanvul\w*\b/,
    /\baanpass\w*\b/,
    /\bonjuist\w*\b/,
    /\bklopt niet\b/,
    /\bverkeerd\w*\b/,
    /\bbij(?:werken|gewerkt| te werken)\b/,
    /\bverander\w*\b/,
    /\bverhuisd\b/,
    /\brectif\w*\b/,
    /\bcorrect (?:my|our|the|this|these|it)\b/,
    /\bcorrect(?:ion|ed)\b/,
    /\bupdate (?:my|our|the)\b/,
    /\bchange (?:my|our|the)\b/,
    /\bchanged\b/,
    /\bincorrect\b/,
    /\binaccurate\b/,
    /\bmisspel\w*\b/,
    /\bwrong\b/,
    /\boutdated\b/,
    /\bout of date\b/,
    /\bcomplete (?:my|our)\b/,
  ],
  deletion: [
    /\bverwijder\w*\b/,
    /\bvergeten\b/,
    /\bvergetelheid\b/,
    /\bwissen\b/,
    /\bwis\b/,
    /\bvernietig\w*\b/,
    /\bgooi (?:\w+ ){0,4}weg\b/,
    /\bweg te gooien\b/,
    /\bdelete\w*\b/,
    /\berase\b/,
    /\berasure\b/,
    /\bforget (?:me|us|my)\b/,
    /\bforgotten\b/,
    /\bremove (?:my|our|all) (?:personal )?(?:data|details|information)\b/,
    /\b(?:data|details|information|account) (?:\w+ ){0,2}removed\b/,
  ],
};

/**
 * Words that only describe the data ("welke gegevens", "the data you hold"): an overview when nothing else is
 * asked, never a second intent beside a request ("delete all data you hold about me" is a deletion).
 */
const overviewDescriptions = [
  /\bwelke (?:persoons)?gegevens\b/,
  /\bwat (?:jullie|u|zorgsom) (?:\w+ ){0,4}(?:van|over) (?:mij|ons)\b/,
  /\bwhat (?:personal )?(?:data|information)\b/,
  /\b(?:data|information|details) (?:that )?(?:you|zorgsom) (?:hold|have|keep|keeps|store|stores|process|processes)\b/,
];

/**
 * A sentence that asks when, why or how long ("Wanneer verwijderen jullie mijn gegevens?") is a question about
 * the rules, not the request it names; "Kunt u …?" and "Hoe kan ik …?" do ask for it.
 */
const informationalQuestion =
  /^[^a-z0-9]*(?:\w+:\s*)?(?:wanneer|waarom|hoe ?lang|hoeveel|hoe vaak|when|why|how long|how much|how often)\b[^?]*\?/;

interface Reading {
  optOut: boolean;
  complaint: boolean;
  /** The request types asked for, strongest first; descriptions only when nothing else was found. */
  found: PrivacyRequestType[];
}

function read(words: string): Reading {
  const sentences = fold(words)
    .split(/(?<=[.?!])\s+|\n+/)
    .map((sentence) => sentence.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  let all = sentences.join(' ');
  let requests = sentences.filter((sentence) => !informationalQuestion.test(sentence)).join(' ');
  let optOut = false;
  for (const pattern of optOutPatterns) {
    if (pattern.test(all)) optOut = true;
    pattern.lastIndex = 0;
    all = all.replace(pattern, ' ');
    requests = requests.replace(pattern, ' ');
  }
  const complaint = complaintPatterns.some((pattern) => pattern.test(all));
  const found: PrivacyRequestType[] = optOut ? ['marketing-opt-out'] : [];
  for (const type of ['overview', 'correction', 'deletion'] as const) {
    if (requestPatterns[type].some((pattern) => pattern.test(requests))) found.push(type);
  }
  if (found.length === 0 && overviewDescriptions.some((pattern) => pattern.test(requests))) {
    found.push('overview');
  }
  return { optOut, complaint, found };
}

/** "Re:", "AW:", "Antw:", "Fwd:", "WG:", "Doorst:", "TR:" (any number, Outlook's "RE[2]:" too). */
const replyPrefix = /^\s*(?:(?:re|aw|antw|antwoord|wg|fw|fwd|doorst|tr|sv|vs)\s*(?:\[\d+\])?\s*:\s*)+/i;

export interface Intent {
  type: PrivacyRequestType;
  /** Whether the words asked for a marketing opt-out (possibly among other things). */
  optOut: boolean;
}

/**
 * Reads the intent from the subject and the sender's own words. A complaint stays a complaint whatever it
 * mentions; otherwise exactly one recognised intent decides it, and none or several make it a question for
 * staff (ambiguity is never resolved by guessing). A reply's subject is the earlier mail's, quoted history
 * like the text below: it counts only when the sender's own words ask nothing.
 */
export function detectIntent(subject: string, body: string): Intent {
  const own = intentWords(body);
  const reply = replyPrefix.test(subject);
  const fromBody = read(own);
  const saysSomething = fromBody.optOut || fromBody.complaint || fromBody.found.length > 0;
  const reading = reply && saysSomething ? fromBody : read(`${subject.replace(replyPrefix, '')}\n${own}`);
  if (reading.complaint) return { type: 'complaint', optOut: reading.optOut };
  const [only, ...others] = reading.found;
  return { type: only && others.length === 0 ? only : 'question', optOut: reading.optOut };
}
