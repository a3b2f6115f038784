/**
 * ZorgSom never accepts patient data. Every request body is walked before validation: a citizen service
 * number (BSN) anywhere, or a key that names patient data, refuses the whole request. Findings name the
 * place (a JSON path), never the value found there.
 */

export interface PatientDataFinding {
  field: string;
  reason: 'bsn' | 'patient-field';
}

/**
 * The BSN 11-proef: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 ≡ 0 (mod 11), not all zeros. Eight digits are read
 * with a leading zero, as Dutch practice does.
 */
export function isValidBsn(digits: string): boolean {
  if (!/^[0-9]{8,9}$/.test(digits)) return false;
  const padded = digits.padStart(9, '0');
  if (/^0+$/.test(padded)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * Number(padded[i]);
  sum -= Number(padded[8]);
  return sum % 11 === 0;
}

/**
 * Digit groups joined by separators (spaces, dots, dashes), e.g. "123 456 782" or "1234.56.782". The match is
 * maximal, so a run is always bounded by non-digits: digits inside a longer number (an IBAN's account number,
 * a phone number) never form a BSN of their own.
 */
const digitRun = /[0-9]+(?:(?:\s*[.-]\s*|\s+)[0-9]+)*/g;

/** Whether `text` holds a nine-digit run, separators ignored, that passes the 11-proef. */
export function containsBsn(text: string): boolean {
  for (const match of text.matchAll(digitRun)) {
    const digits = match[0].replace(/[^0-9]/g, '');
    if (digits.length === 9 && isValidBsn(digits)) return true;
  }
  return false;
}

/**
 * Key names that indicate patient data, compared without case, accents or separators. A key matches when it
 * starts with one of these, or when one of its words (camelCase, snake_case, kebab-case) does.
 */
const patientKeyPrefixes = [
  'bsn',
  'burgerservicenummer',
  'patient',
  'client',
  'diagnos',
  'dateofbirth',
  'birthdate',
  'geboortedatum',
  'medical',
  'medisch',
  'zorgverzeker',
  'insurance',
  'dossier',
] as const;

function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

export function isPatientKey(key: string): boolean {
  const whole = fold(key).replace(/[^a-z0-9]/g, '');
  const words = fold(key.replace(/([\p{Ll}0-9])(\p{Lu})/gu, '$1 $2')).split(/[^a-z0-9]+/);
  return patientKeyPrefixes.some(
    (prefix) => whole.startsWith(prefix) || words.some((w) => w.startsWith(prefix)),
  );
}

const maxSegmentLength = 64;

/**
 * A JSON path for people: `address.street`, `patients[0].name`; the root is ''. A key that itself holds a
 * BSN shows as `*`, and overlong keys are cut, so a path never carries patient data or a flood of text.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      out += `[${segment}]`;
      continue;
    }
    let key = typeof segment === 'symbol' ? (segment.description ?? 'symbol') : segment;
    if (containsBsn(key)) key = '*';
    else if (key.length > maxSegmentLength) key = `${key.slice(0, maxSegmentLength)}…`;
    out += out === '' ? key : `.${key}`;
  }
  return out;
}

/** Enough to tell the caller what to remove; a hostile body cannot make the answer unbounded. */
const maxFindings = 50;

/** A path kept as a chain back to the root, so deep values cost nothing until reported. */
interface PathNode {
  parent: PathNode | undefined;
  segment: string | number;
}

function toPath(node: PathNode | undefined): (string | number)[] {
  const path: (string | number)[] = [];
  for (let n = node; n; n = n.parent) path.push(n.segment);
  return path.reverse();
}

/** Walks any JSON value (iteratively, so deep nesting cannot exhaust the stack) and reports patient data. */
export function findPatientData(input: unknown): PatientDataFinding[] {
  const findings: PatientDataFinding[] = [];
  const seen = new Set<string>();
  const report = (node: PathNode | undefined, reason: PatientDataFinding['reason']) => {
    const field = formatPath(toPath(node));
    const id = `${reason}\u0000${field}`;
    if (seen.has(id)) return;
    seen.add(id);
    findings.push({ field, reason });
  };

  const stack: { value: unknown; node: PathNode | undefined }[] = [{ value: input, node: undefined }];
  const visited = new Set<object>();
  while (stack.length > 0 && findings.length < maxFindings) {
    const { value, node } = stack.pop() ?? { value: undefined, node: undefined };
    if (typeof value === 'string') {
      if (containsBsn(value)) report(node, 'bsn');
    } else if (typeof value === 'number' || typeof value === 'bigint') {
      // A decimal point in a number is not a separator: 1234567.82 is an amount, not a BSN.
      if (Number.isInteger(Number(value)) && containsBsn(String(value))) report(node, 'bsn');
    } else if (typeof value === 'object' && value !== null) {
      if (visited.has(value)) continue;
      visited.add(value);
      const children: { value: unknown; node: PathNode }[] = [];
      if (Array.isArray(value)) {
        value.forEach((item, index) =>
          children.push({ value: item, node: { parent: node, segment: index } }),
        );
      } else {
        for (const [key, item] of Object.entries(value)) {
          const child: PathNode = { parent: node, segment: key };
          if (containsBsn(key)) report(child, 'bsn');
          else if (isPatientKey(key)) report(child, 'patient-field');
          children.push({ value: item, node: child });
        }
      }
      // Reversed onto the stack, so findings come out in document order.
      for (const child of children.reverse()) stack.push(child);
    }
  }
  return findings.slice(0, maxFindings);
}
