import { describe, expect, it } from 'vitest';
import { routeOf, type InboundMail, type Verdicts } from '../../../shared/domain/mail-classification.js';
import type { PrivacyRequestType } from '../../../shared/domain/privacy-request.js';

/**
 * Intent classification on the phrasings licensees actually write to info@: Dutch and English, formal and
 * informal, with greetings, signatures, mobile footers and legal disclaimers. Each phrasing is then wrapped in
 * the quoting of the common clients (Outlook desktop and web, Outlook for Mac, Gmail in both languages with its
 * attribution wrapped or not, Apple Mail and iPhone), with quoted history that names every other intent: the
 * route must stay the same, so quoted history never decides it.
 */

type Expected = PrivacyRequestType | 'general';
const pass: Verdicts = { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' };
const inbound = (subject: string, text: string): InboundMail => ({
  from: 'praktijk@example.nl',
  envelopeSender: 'praktijk@example.nl',
  subject,
  text,
  headers: new Map(),
  contentType: 'text/plain; charset=utf-8',
  attachmentTexts: [],
});
const routeName = (subject: string, text: string): Expected => {
  const route = routeOf(inbound(subject, text), pass);
  if (route.kind === 'privacy') return route.type;
  if (route.kind === 'general') return 'general';
  throw new Error(`unexpected route ${route.kind}`);
};

const signatureNl =
  'Met vriendelijke groet,\n\nDr. M. (Marieke) Jansen\nHuisartsenpraktijk De Linde\nTel. 030 123 45 67';
const signatureEn = 'Kind regards,\n\nDr. P. Smith\nSmith Physiotherapy\n+31 20 765 43 21';
const disclaimerNl =
  'Dit bericht is uitsluitend bestemd voor de geadresseerde. Indien u dit bericht onterecht ontvangt, wordt u verzocht de inhoud niet te gebruiken, de afzender direct te informeren en het bericht te verwijderen.';
const disclaimerEn =
  'This e-mail is intended solely for the addressee. If you have received this e-mail in error, please notify the sender and delete it. Any unauthorised use is prohibited.';

const phrasings: readonly (readonly [string, string, Expected])[] = [
  // overview (inzage)
  [
    'Privacy',
    `Geachte heer/mevrouw,\n\nGraag ontvang ik een overzicht van alle persoonsgegevens die ZorgSom van mij verwerkt.\n\n${signatureNl}`,
    'overview',
  ],
  [
    'Privacy - inzageverzoek',
    'Hierbij doe ik een verzoek tot inzage op grond van artikel 15 AVG.',
    'overview',
  ],
  ['privacy', 'hoi, mag ik zien welke gegevens jullie van me hebben? groetjes Sanne', 'overview'],
  ['Privacy', 'Ik wil graag weten wat jullie allemaal van mij hebben opgeslagen.', 'overview'],
  ['Privacy', 'Kunt u mij een kopie sturen van de gegevens die u over mij bewaart?', 'overview'],
  [
    'Privacy',
    'Ik beroep mij op mijn inzagerecht en verzoek u binnen de wettelijke termijn te reageren.',
    'overview',
  ],
  [
    'Privacy',
    `Ik maak gebruik van mijn recht op inzage (art. 15 AVG).\n\n${signatureNl}\n\n${disclaimerNl}`,
    'overview',
  ],
  ['Privacy', 'Welke persoonsgegevens van mij staan er bij jullie geregistreerd?', 'overview'],
  [
    'Privacy',
    `Dear Sir or Madam,\n\nUnder Article 15 GDPR I request access to the personal data you process about me.\n\n${signatureEn}`,
    'overview',
  ],
  ['Privacy request', 'Could you tell me what information you hold about me?', 'overview'],
  ['Privacy', 'hi, can I get a copy of all my data? thx', 'overview'],
  [
    'Privacy',
    `I would like to see the data ZorgSom keeps about me.\n\n${signatureEn}\n\n${disclaimerEn}`,
    'overview',
  ],
  ['Privacy', 'Subject access request, please.\n\nSent from my iPhone', 'overview'],
  // correction and completion
  [
    'Privacy',
    `Geachte heer, mevrouw,\n\nMijn praktijkadres is gewijzigd. Wilt u dit in uw administratie aanpassen?\n\n${signatureNl}`,
    'correction',
  ],
  ['Privacy', 'Mijn achternaam is verkeerd gespeld: het is Janssen met dubbel s.', 'correction'],
  ['Privacy', 'Ik ben verhuisd, graag mijn adres bijwerken.\n\nVerzonden vanaf mijn iPhone', 'correction'],
  ['privacy', 'mijn iban klopt niet meer, nieuwe rekening geopend', 'correction'],
  ['Privacy', 'Verzoek tot rectificatie van mijn gegevens (art. 16 AVG).', 'correction'],
  ['Privacy', 'Graag mijn tweede praktijklocatie aanvullen in jullie administratie.', 'correction'],
  ['Privacy', 'Mijn e-mailadres gaat veranderen, kunt u het nieuwe adres noteren?', 'correction'],
  [
    'Privacy',
    `Kunt u de naam van mijn praktijk corrigeren?\n\n${signatureNl}\n\n${disclaimerNl}`,
    'correction',
  ],
  ['Privacy', 'Please update my address, we moved to Utrecht.', 'correction'],
  ['Privacy', 'My surname is misspelled in your records, it should be Jansen.', 'correction'],
  ['Privacy', 'Hi, my bank details changed - can you change my IBAN?\n\nSent from my iPhone', 'correction'],
  [
    'Privacy request',
    'I request rectification of inaccurate personal data under Article 16 GDPR.',
    'correction',
  ],
  [
    'Privacy',
    `The email address you have on file is outdated.\n\n${signatureEn}\n\n${disclaimerEn}`,
    'correction',
  ],
  // deletion
  [
    'Privacy',
    `Geachte heer/mevrouw,\n\nIk verzoek u al mijn persoonsgegevens te verwijderen.\n\nHoogachtend,\nDr. M. Jansen`,
    'deletion',
  ],
  ['Privacy', 'Ik maak gebruik van mijn recht op vergetelheid.', 'deletion'],
  ['Privacy', 'Wis al mijn gegevens alsjeblieft.', 'deletion'],
  ['Privacy', 'Mijn licentie is beëindigd. Ik wil dat u al mijn gegevens vernietigt.', 'deletion'],
  [
    'privacy',
    'gooi mijn gegevens maar weg, ik stop met de praktijk\n\nVerstuurd vanaf mijn iPad',
    'deletion',
  ],
  [
    'Privacy',
    `Verzoek tot verwijdering van mijn account en alle bijbehorende gegevens.\n\n${signatureNl}\n\n${disclaimerNl}`,
    'deletion',
  ],
  ['Privacy', 'Kunt u mijn gegevens laten verwijderen nu mijn licentie is opgezegd?', 'deletion'],
  ['Privacy', `Please delete all personal data you hold about me.\n\n${signatureEn}`, 'deletion'],
  ['Privacy', 'I want my account and data removed.', 'deletion'],
  ['Privacy', 'Right to be forgotten request (Art. 17 GDPR).', 'deletion'],
  ['Privacy', 'Erase everything you have on me pls', 'deletion'],
  [
    'Privacy',
    `Please remove my personal details from your systems.\n\n${signatureEn}\n\n${disclaimerEn}`,
    'deletion',
  ],
  // marketing opt-out (with or without "Privacy" in the subject)
  ['Privacy', 'Ik wil graag afgemeld worden voor de nieuwsbrief.', 'marketing-opt-out'],
  ['Afmelden', 'Graag afmelden.', 'marketing-opt-out'],
  ['Nieuwsbrief', 'Stuur mij geen nieuwsbrieven meer a.u.b.', 'marketing-opt-out'],
  ['Privacy', 'Ik wil geen reclame meer ontvangen van ZorgSom.', 'marketing-opt-out'],
  ['RE: Nieuwsbrief december', 'Graag uitschrijven.\n\nVerzonden vanaf mijn iPhone', 'marketing-opt-out'],
  ['Privacy', 'Ik wil niet langer informatie over producten en diensten ontvangen.', 'marketing-opt-out'],
  ['Mailings', 'Ik wil geen mails meer met aanbiedingen.', 'marketing-opt-out'],
  ['Privacy', `Meld mij af voor alle marketing.\n\n${signatureNl}\n\n${disclaimerNl}`, 'marketing-opt-out'],
  ['Unsubscribe', 'Please unsubscribe me.', 'marketing-opt-out'],
  ['Privacy', 'Please take me off your mailing list.', 'marketing-opt-out'],
  [
    'Privacy',
    `I no longer wish to receive marketing emails from you.\n\n${signatureEn}`,
    'marketing-opt-out',
  ],
  ['Privacy', 'Stop sending me promotional emails.', 'marketing-opt-out'],
  ['Re: ZorgSom news', 'opt me out of marketing please\n\nSent from my iPhone', 'marketing-opt-out'],
  // complaint
  [
    'Privacy',
    `Geachte heer/mevrouw,\n\nHierbij dien ik een klacht in over de manier waarop u met mijn gegevens omgaat.\n\n${signatureNl}`,
    'complaint',
  ],
  ['Privacy', 'Ik ben zeer ontevreden over hoe mijn verzoek is afgehandeld.', 'complaint'],
  ['Privacy', 'Ik ben het er niet mee eens dat mijn gegevens nog steeds niet verwijderd zijn!', 'complaint'],
  ['privacy', 'Dit is echt onacceptabel, ik heb al 3x om inzage gevraagd en nog niks gehoord', 'complaint'],
  ['Privacy', 'Ik overweeg een klacht in te dienen bij de Autoriteit Persoonsgegevens.', 'complaint'],
  ['Privacy klacht', 'Zie onderwerp.\n\nVerzonden vanaf mijn iPhone', 'complaint'],
  [
    'Privacy',
    'Waarom kreeg ik reclame terwijl ik me heb afgemeld? Ik wil hierover een klacht indienen.',
    'complaint',
  ],
  [
    'Privacy',
    `I wish to lodge a formal complaint about how my data was handled.\n\n${signatureEn}\n\n${disclaimerEn}`,
    'complaint',
  ],
  ['Privacy', 'I am very unhappy with how you handled my personal data.', 'complaint'],
  ['Privacy complaint', 'see subject', 'complaint'],
  ['Privacy', 'This is unacceptable: I asked for deletion two months ago and nothing happened.', 'complaint'],
  ['Privacy', 'I am dissatisfied with your answer and will report you to the Dutch DPA.', 'complaint'],
  // question (and what is ambiguous, which staff decide)
  ['Privacy', 'Hoe lang bewaren jullie mijn gegevens na het einde van mijn licentie?', 'question'],
  ['Privacy', 'Met wie delen jullie mijn gegevens?', 'question'],
  ['Privacy', 'Waar worden mijn gegevens opgeslagen, in Nederland of daarbuiten?', 'question'],
  ['Privacy', `Is mijn IBAN versleuteld opgeslagen?\n\n${signatureNl}\n\n${disclaimerNl}`, 'question'],
  ['Privacy', 'Wanneer verwijderen jullie mijn gegevens na opzegging?', 'question'],
  ['Privacy', 'Waarom hebben jullie mijn adres nodig?', 'question'],
  [
    'privacy',
    'vraagje: hebben jullie een verwerkersovereenkomst voor mij?\n\nVerzonden vanaf mijn iPhone',
    'question',
  ],
  ['Privacy', 'Ik heb geen mail met de code ontvangen, kunt u die opnieuw sturen?', 'question'],
  ['Privacy', 'Graag inzage, en daarna wil ik alles laten verwijderen.', 'question'],
  ['Privacy', 'How long do you keep my data after my licence ends?', 'question'],
  ['Privacy', `Do you share my data with third parties?\n\n${signatureEn}\n\n${disclaimerEn}`, 'question'],
  ['Privacy question', 'Who at ZorgSom can see my bank details?', 'question'],
  ['Privacy', 'When will you delete my data after I cancel my licence?', 'question'],
  ['Privacy', 'Is it correct that you store my IBAN?', 'question'],
  // general, not about privacy: the staff inbox
  [
    'Factuur december',
    `Goedemorgen,\n\nIk heb de factuur van december nog niet ontvangen. Kunt u die opnieuw sturen?\n\n${signatureNl}\n\n${disclaimerNl}`,
    'general',
  ],
  ['Vraag over licentie', 'Kan ik mijn licentie overzetten naar een collega?', 'general'],
  ['RE: Offerte 2027', 'Akkoord met de offerte.\n\nVerzonden vanaf mijn iPhone', 'general'],
  ['Storing', 'De software start niet meer op sinds de laatste update.', 'general'],
  ['Opzeggen', 'Ik wil mijn licentie per 1 januari opzeggen.', 'general'],
  ['Wijziging openingstijden', 'Onze praktijk is in de kerstvakantie gesloten.', 'general'],
  ['Afspraak', 'Kunnen we volgende week bellen over de koppeling met het HIS?', 'general'],
  ['Invoice', `Could you resend the invoice for November?\n\n${signatureEn}\n\n${disclaimerEn}`, 'general'],
  ['Training', 'Is there a training session in January?\n\nSent from my iPhone', 'general'],
  ['Re: Nieuwsbrief november', 'Leuke nieuwsbrief, dank!', 'general'],
];

/**
 * Earlier mail from ZorgSom, as the licensee's client quotes it below the reply: it names every intent
 * (a newsletter footer, the statement's rights, the complaint route), so any leak of it into the decision shows.
 */
const history = [
  'Beste licentiehouder,',
  '',
  'Wilt u uw gegevens inzien, corrigeren, aanvullen of laten verwijderen? Mail ons met Privacy in het onderwerp.',
  'Niet tevreden? U kunt een klacht indienen bij de Autoriteit Persoonsgegevens.',
  'Geen nieuwsbrief meer ontvangen? Meld u hier af: https://zorgsom.nl/afmelden',
  'To see, correct or delete your data, or to unsubscribe from marketing, reply to this email.',
].join('\n');
const quoted = history
  .split('\n')
  .map((line) => `> ${line}`.trimEnd())
  .join('\n');

const quoting: readonly (readonly [string, (own: string) => string])[] = [
  [
    'Outlook desktop (nl)',
    (own) =>
      `${own}\n\n________________________________\nVan: ZorgSom Privacy <info@zorgsom.nl>\nVerzonden: maandag 30 november 2026 10:12\nAan: M. Jansen <praktijk@example.nl>\nOnderwerp: Nieuwsbrief december\n\n${history}`,
  ],
  [
    'Outlook (en), no rule',
    (own) =>
      `${own}\n\nFrom: ZorgSom Privacy <info@zorgsom.nl>\nSent: Monday, November 30, 2026 10:12 AM\nTo: P. Smith <praktijk@example.nl>\nSubject: December newsletter\n\n${history}`,
  ],
  [
    'Outlook for Mac (nl)',
    (own) =>
      `${own}\n\nVan: ZorgSom Privacy <info@zorgsom.nl>\nDatum: maandag, 30 november 2026 om 10:12\nAan: M. Jansen <praktijk@example.nl>\nOnderwerp: Nieuwsbrief december\n\n${history}`,
  ],
  [
    'Outlook, original message',
    (own) => `${own}\n\n-----Oorspronkelijk bericht-----\nVan: ZorgSom <info@zorgsom.nl>\n\n${history}`,
  ],
  [
    'Gmail (nl)',
    (own) => `${own}\n\nOp ma 30 nov 2026 om 10:12 schreef ZorgSom Privacy <info@zorgsom.nl>:\n\n${quoted}`,
  ],
  [
    'Gmail (en), attribution wrapped',
    (own) =>
      `${own}\n\nOn Mon, 30 Nov 2026 at 10:12, ZorgSom Privacy Office <\ninfo@zorgsom.nl> wrote:\n\n${quoted}`,
  ],
  [
    'Gmail (nl), attribution wrapped, quote unmarked',
    (own) =>
      `${own}\n\nOp ma 30 nov. 2026 om 10:12 schreef ZorgSom Privacy <info@zorgsom.nl\n>:\n\n${history}`,
  ],
  [
    'iPhone (nl)',
    (own) =>
      `${own}\n\nVerzonden vanaf mijn iPhone\n\n> Op 30 nov. 2026 om 10:12 heeft ZorgSom Privacy <info@zorgsom.nl> het volgende geschreven:\n>\n${quoted}`,
  ],
  [
    'Apple Mail (nl), quote unmarked',
    (own) =>
      `${own}\n\n> Op 30 nov. 2026, om 10:12 heeft ZorgSom Privacy <info@zorgsom.nl> het volgende\ngeschreven:\n\n${history}`,
  ],
  ['Thunderbird (de)', (own) => `${own}\n\nAm 30.11.26 um 10:12 schrieb ZorgSom Privacy:\n${quoted}`],
  [
    'Gmail forward (en)',
    (own) =>
      `${own}\n\n---------- Forwarded message ---------\nFrom: ZorgSom Privacy <info@zorgsom.nl>\nDate: Mon, 30 Nov 2026 at 10:12\n\n${history}`,
  ],
];

const counts = new Map<Expected, number>();
for (const [, , expected] of phrasings) counts.set(expected, (counts.get(expected) ?? 0) + 1);

describe('intent on real phrasings', () => {
  it('covers every intent with at least eight phrasings, Dutch and English', () => {
    const intents: Expected[] = [
      'overview',
      'correction',
      'deletion',
      'marketing-opt-out',
      'complaint',
      'question',
      'general',
    ];
    for (const intent of intents) expect(counts.get(intent), intent).toBeGreaterThanOrEqual(8);
    expect(phrasings.length).toBeGreaterThanOrEqual(60);
  });

  it.each(phrasings)('%s / %j → %s', (subject, body, expected) => {
    expect(routeName(subject, body)).toBe(expected);
  });

  describe.each(quoting)('quoted by %s: the history below never decides', (_client, wrap) => {
    it.each(phrasings)('%s / %j → %s', (subject, body, expected) => {
      expect(routeName(subject, wrap(body))).toBe(expected);
    });
  });

  it('a reply subject is quoted history too: the own words decide, the subject only when they say nothing', () => {
    expect(
      routeName('RE: Privacy: uw verzoek om verwijdering is in behandeling', 'Ik wil ook graag inzage.'),
    ).toBe('overview');
    expect(routeName('Antw: Privacy: inzage', 'Nee, verwijder toch maar alles.')).toBe('deletion');
    expect(routeName('RE: Privacy: graag inzage', 'Zie onderwerp.')).toBe('overview');
    // A fresh subject is the sender's own: "Privacy inzage" with a body that adds nothing is an overview.
    expect(routeName('Privacy inzage', 'Groet, Marieke')).toBe('overview');
  });
});
