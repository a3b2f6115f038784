import * as z from 'zod/mini';
import { policy } from './policy.js';
import {
  breachAffectedGroups,
  breachDataCategories,
  breachReportHours,
  breachWarnHours,
} from './breach-register.js';
import { isoTimestamp, itemVersion, nonEmptyText, schema, wholeNumber } from './schema.js';

/**
 * A personal-data breach as AVG art. 33(5) requires it recorded (every breach, reported or not), with the
 * questions of the Autoriteit Persoonsgegevens' notification form, the 72-hour clock from discovery (art.
 * 33(1)), the decision whether to report with its reason, and whether the licensees were told (art. 34).
 * Texts are staff's own descriptions: codes and counts, no personal value (the patient-data guard applies).
 */
export { breachAffectedGroups, breachDataCategories, breachReportHours, breachWarnHours };

const text = (max: number) =>
  z
    .string()
    .check(z.trim(), z.minLength(3, { message: 'required' }), z.maxLength(max, { message: 'too-long' }));
const count = /* @__PURE__ */ schema(() =>
  z.number().check(z.int({ message: 'invalid-format' }), z.gte(0, { message: 'invalid-format' })),
);

export const breachFieldsSchema = /* @__PURE__ */ schema(() =>
  z.strictObject({
    /** Timeline. */
    occurredAt: z.iso.datetime({ message: 'invalid-format' }),
    discoveredAt: z.iso.datetime({ message: 'invalid-format' }),
    ongoing: z.boolean({ message: 'required' }),
    endedAt: z.optional(z.iso.datetime({ message: 'invalid-format' })),
    /** Nature: which of confidentiality, integrity, availability was breached (at least one). */
    nature: z
      .array(z.enum(['confidentiality', 'integrity', 'availability'], { message: 'invalid-format' }))
      .check(z.minLength(1, { message: 'required' })),
    summary: text(200),
    description: text(4000),
    cause: text(2000),
    dataCategories: z.array(z.enum(breachDataCategories, { message: 'invalid-category' })).check(
      z.minLength(1, {
        message: 'required',
      }),
    ),
    approximateRecords: count,
    affectedGroups: z.array(z.enum(breachAffectedGroups, { message: 'invalid-format' })).check(
      z.minLength(1, {
        message: 'required',
      }),
    ),
    affectedMin: count,
    affectedMax: count,
    /** Measures in place beforehand, e.g. encryption of the data concerned. */
    measuresBeforehand: text(2000),
    dataWasEncrypted: z.boolean({ message: 'required' }),
    likelyConsequences: text(2000),
    /** Follow-up: what was and will be done to end the breach and limit its consequences. */
    followUp: text(2000),
  }),
);
export type BreachFields = z.infer<typeof breachFieldsSchema>;

export const breachDecisionSchema = /* @__PURE__ */ schema(() =>
  z.strictObject({
    breachId: nonEmptyText,
    report: z.boolean({ message: 'required' }),
    /** Why it is reported or not (art. 33(1): "unlikely to result in a risk" must be argued). */
    reason: text(2000),
    /** The AP's reference once reported (a code, not prose). */
    authorityReference: z.optional(
      z
        .string()
        .check(z.trim(), z.regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{1,59}$/, { message: 'invalid-format' })),
    ),
    /** Art. 34: high risk to licensees, who are then told in plain language. */
    highRisk: z.boolean({ message: 'required' }),
  }),
);

export const storedBreachSchema = /* @__PURE__ */ schema(() =>
  z.extend(breachFieldsSchema, {
    breachId: z.string(),
    recordedAt: isoTimestamp,
    recordedBy: z.string(),
    decision: z.optional(
      z.object({
        report: z.boolean(),
        reason: z.string(),
        highRisk: z.boolean(),
        authorityReference: z.optional(z.string()),
        decidedAt: isoTimestamp,
        decidedBy: z.string(),
        withinDeadline: z.boolean(),
      }),
    ),
    licenseesNotifiedAt: z.optional(isoTimestamp),
    licenseesNotified: z.optional(wholeNumber),
    version: itemVersion,
  }),
);
export type StoredBreach = z.infer<typeof storedBreachSchema>;

export function deadlineOf(breach: Pick<StoredBreach, 'discoveredAt'>): Date {
  return new Date(new Date(breach.discoveredAt).getTime() + breachReportHours * 3_600_000);
}

/** The 72-hour clock: open until decided; a warning in the last 24 hours; overdue once passed. */
export function clockOf(breach: StoredBreach, now: Date) {
  const deadline = deadlineOf(breach);
  const hoursLeft = (deadline.getTime() - now.getTime()) / 3_600_000;
  const state = breach.decision
    ? breach.decision.withinDeadline
      ? 'decided'
      : 'decided-late'
    : hoursLeft < 0
      ? 'overdue'
      : hoursLeft <= breachWarnHours
        ? 'warning'
        : 'open';
  return { deadline: deadline.toISOString(), hoursLeft: Math.round(hoursLeft * 10) / 10, state };
}

/** Cross-field rules zod's shape cannot say: times in order, min ≤ max, an end unless ongoing. */
export function breachFieldErrors(
  fields: BreachFields,
  now: Date,
): { field: string; code: 'invalid-format' }[] {
  const errors: { field: string; code: 'invalid-format' }[] = [];
  if (new Date(fields.discoveredAt) < new Date(fields.occurredAt))
    errors.push({ field: 'discoveredAt', code: 'invalid-format' });
  if (new Date(fields.discoveredAt) > new Date(now.getTime() + 5 * 60_000))
    errors.push({ field: 'discoveredAt', code: 'invalid-format' });
  if (fields.affectedMin > fields.affectedMax) errors.push({ field: 'affectedMax', code: 'invalid-format' });
  if (fields.ongoing && fields.endedAt) errors.push({ field: 'endedAt', code: 'invalid-format' });
  if (fields.endedAt && new Date(fields.endedAt) < new Date(fields.occurredAt))
    errors.push({ field: 'endedAt', code: 'invalid-format' });
  return errors;
}

const yesNo = (value: boolean) => (value ? 'Ja' : 'Nee');
const nl = {
  confidentiality: 'Inbreuk op de vertrouwelijkheid',
  integrity: 'Inbreuk op de integriteit',
  availability: 'Inbreuk op de beschikbaarheid',
} as const;
const dateTime = (iso: string) => iso.replace('T', ' ').slice(0, 16) + ' UTC';

/**
 * The answers in the order of the AP's notification form (meldloket datalekken), ready to paste: one question,
 * one answer each.
 */
export function authorityFormAnswers(breach: StoredBreach): { question: string; answer: string }[] {
  const categories = breach.dataCategories.map(
    (id) => policy.dataCategories.find((category) => category.id === id)?.nl ?? id,
  );
  return [
    { question: 'Naam organisatie', answer: policy.controller.name },
    { question: 'Contact', answer: policy.controller.contactEmail },
    { question: 'Samenvatting van het incident', answer: breach.summary },
    { question: 'Wanneer heeft de inbreuk plaatsgevonden?', answer: dateTime(breach.occurredAt) },
    { question: 'Wanneer is de inbreuk ontdekt?', answer: dateTime(breach.discoveredAt) },
    {
      question: 'Duurt de inbreuk nog voort?',
      answer: breach.ongoing
        ? 'Ja'
        : `Nee${breach.endedAt ? `, beëindigd op ${dateTime(breach.endedAt)}` : ''}`,
    },
    { question: 'Aard van de inbreuk', answer: breach.nature.map((n) => nl[n]).join('; ') },
    { question: 'Wat is er gebeurd?', answer: breach.description },
    { question: 'Hoe is de inbreuk ontstaan (oorzaak)?', answer: breach.cause },
    { question: 'Om welke soort persoonsgegevens gaat het?', answer: categories.join('; ') },
    { question: 'Om hoeveel records gaat het (ongeveer)?', answer: String(breach.approximateRecords) },
    {
      question: 'Van welke groepen personen zijn gegevens betrokken?',
      answer: breach.affectedGroups
        .map(
          (group) =>
            ({ licensees: 'Klanten (zorgverleners)', patients: 'Patiënten', staff: 'Medewerkers' })[group],
        )
        .join('; '),
    },
    {
      question: 'Om hoeveel personen gaat het?',
      answer: `Minimaal ${breach.affectedMin}, maximaal ${breach.affectedMax}`,
    },
    { question: 'Welke maatregelen waren vooraf getroffen?', answer: breach.measuresBeforehand },
    {
      question: 'Waren de gegevens versleuteld, gehasht of anders onbegrijpelijk gemaakt?',
      answer: yesNo(breach.dataWasEncrypted),
    },
    { question: 'Wat zijn de mogelijke gevolgen voor de betrokkenen?', answer: breach.likelyConsequences },
    { question: 'Welke vervolgacties en maatregelen zijn genomen?', answer: breach.followUp },
    {
      question: 'Worden of zijn de betrokkenen geïnformeerd?',
      answer: breach.decision?.highRisk
        ? breach.licenseesNotifiedAt
          ? `Ja, op ${dateTime(breach.licenseesNotifiedAt)} (${breach.licenseesNotified ?? 0} betrokkenen)`
          : 'Ja, dit wordt gedaan'
        : 'Nee: geen hoog risico voor de betrokkenen',
    },
  ];
}
