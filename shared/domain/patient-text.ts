/**
 * Signs of patient data in free text, beyond the BSN (patient-guard.ts): a date of birth, "patiënt" or
 * "cliënt" followed by a name, a diagnosis, medication, in Dutch and English. Two kinds of field:
 * - `name`: names and address lines. Nothing medical belongs there, so any full date, any medication and a
 *   diagnosis with a second sign refuse it.
 * - `text`: a request's message. Dates are normal there ("my request of 3 March"), so a date counts only as
 *   a date of birth; the rest as for names.
 * Practice names carry care words ("Fysiotherapie De Brug", "Diabetescentrum Noord", "Tandartsenpraktijk
 * Dr. Jansen"): a diagnosis word alone never refuses anything, so they pass. Measured on the fixture lists in
 * test/fixtures/patient-text.ts (bench/patient-guard.ts prints the rates). Returns the kind of sign found,
 * never the text.
 */

export type PatientTextSign =
  'date-of-birth' | 'patient-with-name' | 'diagnosis' | 'medication' | 'date-in-name';

export type FieldKind = 'name' | 'text';

const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '');

const months =
  'januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|' +
  'january|february|march|may|june|july|august|october|' +
  'jan|feb|mrt|mar|apr|jun|jul|aug|sep|sept|okt|oct|nov|dec';

// The patterns below are built at import, but marked pure: a bundle that never checks text (the ones that
// only read stored requests) drops them with this module's other exports.

/** A full date: 12-03-1985, 12/3/85, 1985-03-12, 12 maart 1985, March 12, 1985. */
const fullDate = /* @__PURE__ */ (() =>
  new RegExp(
    [
      String.raw`\b(?:0?[1-9]|[12][0-9]|3[01])[-/.](?:0?[1-9]|1[0-2])[-/.](?:19|20)?[0-9]{2}\b`,
      String.raw`\b(?:19|20)[0-9]{2}-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12][0-9]|3[01])\b`,
      String.raw`\b(?:0?[1-9]|[12][0-9]|3[01])\s+(?:${months})\.?\s+(?:19|20)[0-9]{2}\b`,
      String.raw`\b(?:${months})\.?\s+(?:0?[1-9]|[12][0-9]|3[01]),?\s+(?:19|20)[0-9]{2}\b`,
    ].join('|'),
    'i',
  ))();

const birthWords =
  /\b(?:geb(?:oren)?\.?|geboortedatum|geboortedag|d\.?o\.?b\.?|date of birth|born|birth ?date)(?=[\s:.,]|$)/i;

/** "patiënt Pietersen", "cliënt mevrouw De Vries", "patient J. Smith", "pt. Jansen". */
const patientWithName = /* @__PURE__ */ (() =>
  new RegExp(
    String.raw`\b(?:[Pp]atient(?:e)?|PATIENT|[Cc]lient(?:e)?|CLIENT|[Pp]t\.?)\s*:?\s+` +
      String.raw`(?:(?:[Mm]evrouw|[Mm]eneer|[Mm]evr\.?|[Mm]w\.?|[Dd]hr\.?|[Dd]e heer|[Mm]r\.?|[Mm]rs\.?|[Mm]s\.?|[Mm]iss)\s+)?` +
      String.raw`(?:[A-Z]\.\s*)*(?:(?:[Vv]an|[Dd]e|[Dd]er|[Dd]en|[Tt]er|[Tt]en|[Hh]et|'t|El|Al|Ben|Bin|Ait|Abu)\s+)*[A-Z][a-z]{2,}`,
    'u',
  ))();
/** Capitalised words after "patient"/"client" that are not names. */
const notNames = new Set([
  'Portal',
  'Portaal',
  'Services',
  'Service',
  'First',
  'Care',
  'Centraal',
  'Central',
  'Support',
  'Experience',
  'Journey',
  'Relations',
  'Zorg',
]);

/** "Diagnose: …", "gediagnosticeerd met", "diagnosed with". */
const diagnosisStatement =
  /\b(?:diagnose|diagnosis|diagnosed|gediagnosticeerd|dx)\b\s*:?\s*(?:met|with|is|van|of)?\s*[a-z]{3,}/i;

/**
 * The word lists are written folded (no diacritics: "caries", not "cariës"), as the text they are matched
 * against is folded first: folding them at import would cost every cold init (test/unit/domain/patient-text.test.ts
 * checks they are).
 */
export const diagnoses = [
  'diabetes',
  'diabetisch',
  'depressie',
  'depression',
  'depressief',
  'kanker',
  'cancer',
  'carcinoom',
  'tumor',
  'tumour',
  'leukemie',
  'leukaemia',
  'astma',
  'asthma',
  'copd',
  'hernia',
  'burn-out',
  'burnout',
  'dementie',
  'dementia',
  'alzheimer',
  'parkinson',
  'adhd',
  'autisme',
  'autism',
  'angststoornis',
  'anxiety disorder',
  'paniekstoornis',
  'hartfalen',
  'heart failure',
  'hartinfarct',
  'beroerte',
  'stroke',
  'cva',
  'artrose',
  'osteoarthritis',
  'artritis',
  'arthritis',
  'reuma',
  'epilepsie',
  'epilepsy',
  'hypertensie',
  'hypertension',
  'hoge bloeddruk',
  'schizofrenie',
  'schizophrenia',
  'bipolair',
  'bipolar',
  'psychose',
  'psychosis',
  'ptss',
  'ptsd',
  'anorexia',
  'boulimia',
  'fractuur',
  'fracture',
  'gebroken heup',
  'whiplash',
  'hiv',
  'hepatitis',
  'longontsteking',
  'pneumonia',
  'migraine',
  'fibromyalgie',
  'multiple sclerose',
  'multiple sclerosis',
  'crohn',
  'coeliakie',
  'obesitas',
  'obesity',
  'zwangerschap',
  'pregnancy',
  'zwanger',
  'pregnant',
  'verslaving',
  'addiction',
  'alcoholisme',
  'slaapapneu',
  'tinnitus',
  'caries',
  'parodontitis',
  'periodontitis',
  'wortelkanaalbehandeling',
  'stotteren',
  'dyslexie',
];

export const medications = [
  'paracetamol',
  'ibuprofen',
  'diclofenac',
  'naproxen',
  'metformine',
  'metformin',
  'insuline',
  'insulin',
  'oxazepam',
  'diazepam',
  'lorazepam',
  'temazepam',
  'omeprazol',
  'omeprazole',
  'pantoprazol',
  'methylfenidaat',
  'methylphenidate',
  'ritalin',
  'concerta',
  'sertraline',
  'citalopram',
  'escitalopram',
  'paroxetine',
  'fluoxetine',
  'venlafaxine',
  'amitriptyline',
  'antidepressiva',
  'antidepressant',
  'antidepressants',
  'morfine',
  'morphine',
  'oxycodon',
  'oxycodone',
  'fentanyl',
  'tramadol',
  'codeine',
  'prednison',
  'prednisone',
  'prednisolon',
  'amoxicilline',
  'amoxicillin',
  'antibiotica',
  'antibiotics',
  'simvastatine',
  'simvastatin',
  'atorvastatine',
  'atorvastatin',
  'metoprolol',
  'bisoprolol',
  'lisinopril',
  'amlodipine',
  'furosemide',
  'warfarine',
  'warfarin',
  'acenocoumarol',
  'levothyroxine',
  'haloperidol',
  'quetiapine',
  'olanzapine',
  'risperidon',
  'risperidone',
  'lithium',
  'salbutamol',
  'ventolin',
  'methadon',
  'methadone',
  'methotrexaat',
  'methotrexate',
  'lamotrigine',
  'sumatriptan',
  'chemotherapie',
  'chemotherapy',
];

const wordList = (words: string[]): RegExp =>
  new RegExp(
    String.raw`(?<![\p{L}])(?:${words.map((w) => w.replace(/[-\s]/g, '[-\\s]?')).join('|')})(?![\p{L}])`,
    'iu',
  );

const diagnosisWord = /* @__PURE__ */ wordList(diagnoses);
const medicationWord = /* @__PURE__ */ wordList(medications);
/** "500 mg", "2x daags", "3 times a day": a dose is medication. */
const dose =
  /\b[0-9]+(?:[.,][0-9]+)?\s?(?:mg|mcg|µg|microgram|milligram|ml|ie|iu)\b|\b[0-9]\s?x\s?(?:per\s)?(?:daags|dag|day|daily)\b|\btimes a day\b/i;
/** A second sign that makes a diagnosis word about a person: "heeft", "lijdt aan", "treated for"… */
const aboutAPerson =
  /\b(?:heeft|had|lijdt|leed|behandeld|behandeling|onder behandeling|gediagnosticeerd|patient|patienten|client|clienten|mevrouw|meneer|mevr|mw|dhr|fam|familie|has|suffers|suffering|treated|treatment|diagnosed|his|her|haar)\b/i;

/** "PATIËNT VAN DAM" → "Patiënt Van Dam": a text in capitals is read as if written normally. */
const titleCase = (s: string): string =>
  /\p{Ll}/u.test(s)
    ? s
    : s.toLowerCase().replace(/(^|[\s.'-])(\p{L})/gu, (_, a: string, b: string) => a + b.toUpperCase());

function patientNamed(text: string): boolean {
  const pattern = new RegExp(patientWithName.source, 'gu');
  for (const match of fold(titleCase(text)).matchAll(pattern)) {
    const name = /([A-Z][a-z]{2,})$/.exec(match[0])?.[1] ?? '';
    if (!notNames.has(name)) return true;
  }
  return false;
}

/** The first sign of patient data in `text`, or undefined when there is none. */
export function patientTextSign(text: string, kind: FieldKind): PatientTextSign | undefined {
  const folded = fold(text);
  const date = fullDate.test(folded);
  if (date && (kind === 'name' || birthWords.test(folded))) {
    return kind === 'name' && !birthWords.test(folded) ? 'date-in-name' : 'date-of-birth';
  }
  if (patientNamed(text)) return 'patient-with-name';
  if (diagnosisStatement.test(folded)) return 'diagnosis';
  if (medicationWord.test(folded) || dose.test(folded)) return 'medication';
  if (diagnosisWord.test(folded)) {
    const others = folded.replace(diagnosisWord, ' ');
    if (aboutAPerson.test(folded) || diagnosisWord.test(others) || (date && birthWords.test(folded))) {
      return 'diagnosis';
    }
  }
  return undefined;
}

export const looksLikePatientData = (text: string, kind: FieldKind): boolean =>
  patientTextSign(text, kind) !== undefined;
