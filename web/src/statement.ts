import { longDate } from '../../shared/domain/dates.js';
import { policy } from '../../shared/domain/policy.js';
import { policyTexts } from '../../shared/domain/policy-texts.js';
import {
  disclosureBasisTexts,
  legalBasisTexts,
  requestTypeIds,
  requestTypeTexts,
  type Text,
} from './texts.js';

/**
 * The privacy statement as published (privacy.html): the five sections of the statement ZorgSom gives its
 * licensees, in plain Dutch and English, every number and list taken from the policy file — the same values
 * the code enforces. Each paragraph or list is a claim with an id (`data-claim` in the HTML); the test
 * test/unit/web/claims.test.ts ties every id on every page to the policy key or the behaviour it states.
 * DOM-free.
 */

export type ClaimId =
  | 'controller'
  | 'law'
  | 'version'
  | 'business-use-only'
  | 'no-patient-access'
  | 'data-categories'
  | 'purposes'
  | 'marketing-opt-out'
  | 'patient-data-refused'
  | 'security-measures'
  | 'secure-connection'
  | 'retention'
  | 'pending-signup'
  | 'disclosure-bases'
  | 'processors'
  | 'budget-review'
  | 'overview'
  | 'correct-complete-delete'
  | 'rights'
  | 'deadline'
  | 'contact'
  | 'code-validity'
  | 'session-length'
  | 'request-confirmation'
  | 'licence-end'
  | 'deletion';

const t = (nl: string, en: string): Text => ({ nl, en });
const retentionYears = policy.retention.afterLicenceEndMonths / 12;
const months = (n: number): Text =>
  t(n === 1 ? 'één maand' : `${n} maanden`, n === 1 ? 'one month' : `${n} months`);
const deadline = months(policy.requests.responseDeadlineMonths);
const extension = months(policy.requests.maxExtensionMonths);
const contact = policy.controller;

/** "a, b of c" / "a, b or c". */
const joinList = (items: string[], word: string): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${word} ${items.at(-1)}`;

/** The statement's date, as people read it. */
export function statementDate(language: 'nl' | 'en'): string {
  return longDate(policy.statement.effectiveDate, language);
}

export type Block =
  | { kind: 'p'; claim: ClaimId; text: Text }
  | { kind: 'list'; claim: ClaimId; intro?: Text; items: Text[] }
  | { kind: 'table'; claim: ClaimId; head: [Text, Text]; rows: [Text, Text][] };

export interface Section {
  id: string;
  title: Text;
  blocks: Block[];
}

export const statementTitle = t('Privacy statement van ZorgSom', 'ZorgSom privacy statement');

export const statementIntro: Block[] = [
  {
    kind: 'p',
    claim: 'version',
    text: t(
      `Versie ${policy.statement.version}, geldig vanaf ${statementDate('nl')}.`,
      `Version ${policy.statement.version}, in force from ${statementDate('en')}.`,
    ),
  },
  {
    kind: 'p',
    claim: 'business-use-only',
    text: t(
      'ZorgSom levert software aan zorgverleners. Voor ons werk hebben wij persoonsgegevens van onze licentiehouders nodig: gegevens die over u als persoon gaan. Wij gebruiken ze alleen voor ons eigen werk, zoals hieronder staat.',
      'ZorgSom supplies software to healthcare practitioners. For our work we need personal data of our licensees: data about you as a person. We use it only for our own work, as set out below.',
    ),
  },
  {
    kind: 'p',
    claim: 'no-patient-access',
    text: t(
      'ZorgSom heeft géén inzage in de gegevens van uw patiënten.',
      'ZorgSom has no access to your patients’ data.',
    ),
  },
  {
    kind: 'p',
    claim: 'law',
    text: t(
      `Wij houden ons aan de ${policy.statement.law.nl}. Daarin staan de regels voor het gebruik van persoonsgegevens.`,
      `We comply with the ${policy.statement.law.en}, which sets the rules for using personal data.`,
    ),
  },
  {
    kind: 'p',
    claim: 'controller',
    text: t(
      `Verantwoordelijk voor uw gegevens is ${contact.name}. U bereikt ons via ${contact.contactEmail}, met ‘${contact.privacySubjectKeyword}’ in het onderwerp.`,
      `${contact.name} is responsible for your data. You can reach us at ${contact.contactEmail}, with ‘${contact.privacySubjectKeyword}’ in the subject.`,
    ),
  },
];

export const statementSections: Section[] = [
  {
    id: 'which-data',
    title: t(
      '1. Welke persoonsgegevens hebben wij nodig en waarvoor gebruiken wij ze?',
      '1. What personal data do we need and what do we use it for?',
    ),
    blocks: [
      {
        kind: 'list',
        claim: 'data-categories',
        intro: t(
          'Als u een licentie bij ons afsluit, geeft u ons alleen deze gegevens:',
          'When you take out a licence with us, you give us only this data:',
        ),
        items: policy.dataCategories.map(({ nl, en }) => t(nl, en)),
      },
      {
        kind: 'table',
        claim: 'purposes',
        head: [t('Waarvoor', 'What for'), t('Op grond van', 'Legal basis')],
        rows: policyTexts.purposes.map((purpose) => [
          t(purpose.nl, purpose.en),
          legalBasisTexts[purpose.legalBasis],
        ]),
      },
      {
        kind: 'p',
        claim: 'marketing-opt-out',
        text: t(
          `Wij mogen u informeren over onze producten en diensten. Wilt u dat niet, dan zet u het uit op de pagina Marketing, met de afmeldlink in elke e-mail, of door te mailen naar ${contact.contactEmail}.`,
          `We may inform you about our products and services. If you do not want that, turn it off on the Marketing page, use the unsubscribe link in every email, or email ${contact.contactEmail}.`,
        ),
      },
      {
        kind: 'p',
        claim: 'patient-data-refused',
        text: t(
          'Vult u in een formulier toch iets over een patiënt in, zoals een burgerservicenummer (BSN), een geboortedatum, een diagnose of medicijnen, dan neemt het formulier dat niet aan en vraagt het u dat weg te laten.',
          'If you nevertheless enter something about a patient in a form, such as a citizen service number (BSN), a date of birth, a diagnosis or medication, the form does not accept it and asks you to leave it out.',
        ),
      },
    ],
  },
  {
    id: 'protection',
    title: t('2. Hoe beschermen wij uw privacy?', '2. How do we protect your privacy?'),
    blocks: [
      {
        kind: 'list',
        claim: 'security-measures',
        intro: t(
          'De bescherming van uw privacy is belangrijk voor u en voor ons. Daarom:',
          'Protecting your privacy matters to you and to us. That is why:',
        ),
        items: policyTexts.securityMeasures.map(({ nl, en }) => t(nl, en)),
      },
      {
        kind: 'p',
        claim: 'secure-connection',
        text: t(
          'Ziet u het slotje niet, of waarschuwt uw browser voor de verbinding, vul dan niets in en mail ons.',
          'If you do not see the padlock, or your browser warns about the connection, do not enter anything and email us.',
        ),
      },
    ],
  },
  {
    id: 'retention',
    title: t('3. Hoe lang bewaren wij persoonsgegevens?', '3. How long do we keep personal data?'),
    blocks: [
      {
        kind: 'p',
        claim: 'retention',
        text: t(
          `Wij bewaren uw gegevens zolang uw licentie loopt. Na het einde van uw licentie vernietigen wij ze binnen uiterlijk ${retentionYears} jaar, ook in onze reservekopieën.`,
          `We keep your data as long as your licence runs. After your licence ends we destroy it within at most ${retentionYears} years, our backup copies included.`,
        ),
      },
      {
        kind: 'p',
        claim: 'pending-signup',
        text: t(
          `Een aanmelding die u niet bevestigt, wissen wij na ${policy.retention.pendingSignupHours} uur.`,
          `A signup you do not confirm is erased after ${policy.retention.pendingSignupHours} hours.`,
        ),
      },
    ],
  },
  {
    id: 'disclosure',
    title: t('4. Het verstrekken van persoonsgegevens', '4. Disclosing personal data'),
    blocks: [
      {
        kind: 'p',
        claim: 'disclosure-bases',
        text: t(
          `Wij verstrekken géén persoonsgegevens aan anderen, behalve ${joinList(
            policy.disclosureBases.map((basis) => disclosureBasisTexts[basis].nl),
            'of',
          )}. Elke verstrekking staat in uw overzicht.`,
          `We give no personal data to others, except ${joinList(
            policy.disclosureBases.map((basis) => disclosureBasisTexts[basis].en),
            'or',
          )}. Every disclosure is listed in your overview.`,
        ),
      },
      {
        kind: 'list',
        claim: 'processors',
        intro: t(
          'Deze bedrijven werken in onze opdracht en alleen volgens onze afspraken:',
          'These companies work on our instructions and only under our agreements:',
        ),
        items: policyTexts.processors.map((processor) =>
          t(`${processor.name}: ${processor.nl}`, `${processor.name}: ${processor.en}`),
        ),
      },
      {
        kind: 'p',
        claim: 'budget-review',
        text: t(
          `Hebben wij gegevens van een patiënt nodig om een begroting na te kijken, dan vragen wij die bij u op. U bepaalt of u ze geeft, en u geeft ze alleen als uw patiënt daarvoor toestemming heeft gegeven. Wij vernietigen ze ${policy.budgetReview.destroyUploadAfterDays} dagen nadat de controle klaar is.`,
          `If we need a patient’s data to check a budget, we ask you for it. You decide whether to give it, and you give it only if your patient has consented. We destroy it ${policy.budgetReview.destroyUploadAfterDays} days after the check is finished.`,
        ),
      },
    ],
  },
  {
    id: 'correctness',
    title: t('5. Correctheid van persoonsgegevens', '5. Correctness of personal data'),
    blocks: [
      {
        kind: 'p',
        claim: 'overview',
        text: t(
          'Wilt u weten of alle gegevens die wij van u hebben juist zijn, dan kunt u ons om een overzicht vragen. Na inloggen downloadt u het zelf, als brief in PDF of als bestand.',
          'If you want to know whether all the data we hold about you is correct, you can ask us for an overview. Once signed in you download it yourself, as a PDF letter or as a file.',
        ),
      },
      {
        kind: 'p',
        claim: 'correct-complete-delete',
        text: t(
          'Zijn uw gegevens onjuist, onvolledig of overbodig, dan verandert of vult u ze zelf aan op de pagina Mijn gegevens, of vraagt u ons ze te veranderen, aan te vullen of te verwijderen.',
          'If your data is wrong, incomplete or unnecessary, you change or complete it yourself on the My data page, or ask us to change, complete or delete it.',
        ),
      },
      {
        kind: 'list',
        claim: 'rights',
        intro: t('U kunt ons vragen om:', 'You can ask us for:'),
        items: requestTypeIds.map((type) => requestTypeTexts[type]),
      },
      {
        kind: 'p',
        claim: 'deadline',
        text: t(
          `Wij beantwoorden elk verzoek binnen ${deadline.nl}. Is een verzoek ingewikkeld, dan kan het hooguit ${extension.nl} langer duren; dat laten wij u binnen ${deadline.nl} weten.`,
          `We answer every request within ${deadline.en}. If a request is complex it can take at most ${extension.en} longer; we will tell you so within ${deadline.en}.`,
        ),
      },
      {
        kind: 'p',
        claim: 'contact',
        text: t(
          `Hebt u een vraag die hier niet beantwoord wordt, wilt u uw gegevens inzien of wijzigen, of hebt u een klacht over hoe ${contact.name} met uw gegevens omgaat? Mail naar ${contact.contactEmail} met ‘${contact.privacySubjectKeyword}’ in het onderwerp, of gebruik het formulier Privacyverzoek. Bent u niet tevreden over ons antwoord, dan kunt u een klacht indienen bij de ${contact.supervisoryAuthority}.`,
          `Do you have a question this statement does not answer, do you want to see or change your data, or do you have a complaint about how ${contact.name} handles your data? Email ${contact.contactEmail} with ‘${contact.privacySubjectKeyword}’ in the subject, or use the Privacy request form. If you are not satisfied with our answer, you can complain to the ${contact.supervisoryAuthority} (Dutch Data Protection Authority).`,
        ),
      },
    ],
  },
];

/** Every text of the statement, in order: what the version mail and the tests read. */
export function statementTexts(language: 'nl' | 'en'): string[] {
  const blockTexts = (block: Block): string[] =>
    block.kind === 'p'
      ? [block.text[language]]
      : block.kind === 'list'
        ? [...(block.intro ? [block.intro[language]] : []), ...block.items.map((item) => item[language])]
        : [...block.head.map((cell) => cell[language]), ...block.rows.flat().map((cell) => cell[language])];
  return [
    statementTitle[language],
    ...statementIntro.flatMap(blockTexts),
    ...statementSections.flatMap((section) => [
      section.title[language],
      ...section.blocks.flatMap(blockTexts),
    ]),
  ];
}
