import * as z from 'zod/mini';
import { ConcurrentUpdateError } from '../../adapters/licensee-repository.js';
import type { BreachRepository } from '../../adapters/breach-repository.js';
import type { AuditActor } from '../../domain/audit.js';
import {
  authorityFormAnswers,
  breachDecisionSchema,
  breachFieldErrors,
  breachFieldsSchema,
  clockOf,
  deadlineOf,
  type StoredBreach,
} from '../../domain/breach.js';
import { ProblemError } from '../../domain/problem-error.js';
import { languageOf } from '../../domain/records.js';
import { bilingual } from '../mail-templates.js';
import type { MailLanguage } from '../ports.js';
import { loadProfile } from '../self-service.js';
import type { StaffDeps } from './staff-deps.js';
import { itemVersion, nonEmptyText, schema } from '../../domain/schema.js';

export type BreachDeps = StaffDeps & { breaches: BreachRepository };

export const breachIdSchema = /* @__PURE__ */ schema(() => z.strictObject({ breachId: nonEmptyText }));
export const breachUpdateSchema = /* @__PURE__ */ schema(() =>
  z.extend(breachFieldsSchema, {
    breachId: nonEmptyText,
    version: itemVersion,
  }),
);
export { breachDecisionSchema, breachFieldsSchema };
const licenseeIdSchema = /* @__PURE__ */ schema(() =>
  z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'invalid-format' })),
);
export const breachNoticeSchema = /* @__PURE__ */ schema(() =>
  z.strictObject({
    breachId: nonEmptyText,
    licenseeIds: z
      .array(licenseeIdSchema)
      .check(z.minLength(1, { message: 'required' }), z.maxLength(5000, { message: 'too-long' })),
    /** What the licensees can do themselves (art. 34(2)), in plain language. */
    whatYouCanDo: z
      .string()
      .check(z.trim(), z.minLength(10, { message: 'required' }), z.maxLength(2000, { message: 'too-long' })),
    /** false: answer the exact mail without sending; true: send it (once per breach). */
    send: z.boolean({ message: 'required' }),
  }),
);

const staffId = (actor: AuditActor) => actor.username ?? actor.id;

export function viewOfBreach(breach: StoredBreach, now: Date) {
  return { ...breach, clock: clockOf(breach, now) };
}

async function load(deps: BreachDeps, breachId: string): Promise<StoredBreach> {
  const breach = await deps.breaches.get(breachId);
  if (!breach) throw new ProblemError(404, 'not-found');
  return breach;
}

function checked(fields: z.infer<typeof breachFieldsSchema>, now: Date) {
  const errors = breachFieldErrors(fields, now);
  if (errors.length > 0) throw new ProblemError(400, 'invalid-input', errors);
  return fields;
}

async function saveAudited(
  deps: BreachDeps,
  actor: AuditActor,
  next: StoredBreach,
  expectedVersion: number | undefined,
  action: string,
  details: Record<string, string | number | boolean>,
) {
  const audit = deps.audit.transactItem({ actor, action, subjectId: next.breachId, details });
  try {
    await deps.breaches.save(next, expectedVersion, audit.item);
  } catch (error) {
    if (error instanceof ConcurrentUpdateError) throw new ProblemError(409, 'breach-changed');
    throw error;
  }
  return viewOfBreach(next, deps.clock());
}

/** AVG art. 33(5): every breach is recorded, whether it is reported or not; the 72-hour clock starts at discovery. */
export async function recordBreach(
  deps: BreachDeps,
  actor: AuditActor,
  input: z.infer<typeof breachFieldsSchema>,
) {
  const now = deps.clock();
  const breach: StoredBreach = {
    ...checked(input, now),
    breachId: deps.newId(),
    recordedAt: now.toISOString(),
    recordedBy: staffId(actor),
    version: 1,
  };
  return saveAudited(deps, actor, breach, undefined, 'breach.recorded', {
    nature: breach.nature.join(','),
    approximateRecords: breach.approximateRecords,
    affectedMax: breach.affectedMax,
    deadline: deadlineOf(breach).toISOString(),
  });
}

export async function updateBreach(
  deps: BreachDeps,
  actor: AuditActor,
  input: z.infer<typeof breachUpdateSchema>,
) {
  const { breachId, version, ...fields } = input;
  const breach = await load(deps, breachId);
  if (breach.version !== version) throw new ProblemError(409, 'breach-changed');
  return saveAudited(
    deps,
    actor,
    { ...breach, ...checked(fields, deps.clock()), version: version + 1 },
    version,
    'breach.updated',
    { version: version + 1 },
  );
}

/** The decision to report to the AP or not, with its reason; taken once, on time or late, as the clock says. */
export async function decideBreach(
  deps: BreachDeps,
  actor: AuditActor,
  input: z.infer<typeof breachDecisionSchema>,
) {
  const breach = await load(deps, input.breachId);
  if (breach.decision) throw new ProblemError(409, 'breach-decided');
  const now = deps.clock();
  const withinDeadline = now <= deadlineOf(breach);
  const decision = {
    report: input.report,
    reason: input.reason,
    highRisk: input.highRisk,
    ...(input.authorityReference ? { authorityReference: input.authorityReference } : {}),
    decidedAt: now.toISOString(),
    decidedBy: staffId(actor),
    withinDeadline,
  };
  return saveAudited(
    deps,
    actor,
    { ...breach, decision, version: breach.version + 1 },
    breach.version,
    'breach.decided',
    {
      report: input.report,
      highRisk: input.highRisk,
      withinDeadline,
    },
  );
}

export async function listBreaches(deps: BreachDeps) {
  const now = deps.clock();
  return { breaches: (await deps.breaches.list()).map((breach) => viewOfBreach(breach, now)) };
}

export async function showBreach(deps: BreachDeps, breachId: string) {
  return viewOfBreach(await load(deps, breachId), deps.clock());
}

/** The AP form's answers, one per question, and the same as one text block to paste. */
export async function exportBreach(deps: BreachDeps, breachId: string) {
  const answers = authorityFormAnswers(await load(deps, breachId));
  return { answers, text: answers.map(({ question, answer }) => `${question}\n${answer}`).join('\n\n') };
}

/** Art. 34: a plain-language notice of a high-risk breach. Staff's texts, no one else's personal data. */
export function breachNotice(
  to: string,
  name: string,
  breach: StoredBreach,
  whatYouCanDo: string,
  language: MailLanguage,
) {
  return bilingual(
    to,
    {
      nl: 'Belangrijk: een beveiligingsincident bij ZorgSom',
      en: 'Important: a security incident at ZorgSom',
    },
    [
      `Beste ${name},`,
      '',
      'Wij moeten u helaas laten weten dat er bij ZorgSom een beveiligingsincident (datalek) is geweest waarbij uw gegevens betrokken kunnen zijn.',
      '',
      `Wat er is gebeurd: ${breach.description}`,
      `Wat de gevolgen voor u kunnen zijn: ${breach.likelyConsequences}`,
      `Wat wij hebben gedaan: ${breach.followUp}`,
      `Wat u zelf kunt doen: ${whatYouCanDo}`,
      '',
      'Hebt u vragen? Mail naar info@zorgsom.nl met "Privacy" in het onderwerp. U kunt ook een klacht indienen bij de Autoriteit Persoonsgegevens (autoriteitpersoonsgegevens.nl).',
    ].join('\n'),
    [
      `Dear ${name},`,
      '',
      'We regret to tell you that ZorgSom had a security incident (data breach) that may involve your data.',
      '',
      `What happened: ${breach.description}`,
      `What it may mean for you: ${breach.likelyConsequences}`,
      `What we have done: ${breach.followUp}`,
      `What you can do: ${whatYouCanDo}`,
      '',
      'Questions? Mail info@zorgsom.nl with "Privacy" in the subject. You can also complain to the Dutch data protection authority (autoriteitpersoonsgegevens.nl).',
    ].join('\n'),
    language,
  );
}

/**
 * Previews (send: false) or sends (send: true) the art. 34 notice through the mail pipeline, once per breach
 * and only for a breach decided as high risk. The send is claimed first (conditional write), so two clicks
 * cannot mail anyone twice.
 */
export async function noticeToLicensees(
  deps: BreachDeps,
  actor: AuditActor,
  input: z.infer<typeof breachNoticeSchema>,
) {
  const breach = await load(deps, input.breachId);
  if (!breach.decision?.highRisk) throw new ProblemError(409, 'breach-not-high-risk');
  const ids = [...new Set(input.licenseeIds)];
  if (!input.send) {
    // Staff see both texts; each licensee gets the one in their own language.
    const sample = breachNotice(
      '<adres van de licentiehouder>',
      '<naam>',
      breach,
      input.whatYouCanDo,
      'nl+en',
    );
    return { recipients: ids.length, preview: { subject: sample.subject, text: sample.text }, sent: 0 };
  }
  if (breach.licenseesNotifiedAt) throw new ProblemError(409, 'breach-decided');
  const now = deps.clock();
  await saveAudited(
    deps,
    actor,
    {
      ...breach,
      licenseesNotifiedAt: now.toISOString(),
      licenseesNotified: ids.length,
      version: breach.version + 1,
    },
    breach.version,
    'breach.licensees-notified',
    { recipients: ids.length },
  );
  let sent = 0;
  for (const licenseeId of ids) {
    const profile = await loadProfile(deps, licenseeId).catch(() => undefined);
    if (!profile) continue;
    // A staff decision (outside the daily budget), once per breach and licensee however often it is retried.
    await deps.mailer.send({
      ...breachNotice(
        profile.pii.data.email,
        profile.pii.data.name,
        breach,
        input.whatYouCanDo,
        languageOf(profile.profile),
      ),
      kind: 'decision',
      template: 'breach-notice',
      idempotencyKey: `breach:${breach.breachId}:notice:${licenseeId}`,
    });
    sent += 1;
  }
  return { recipients: ids.length, sent };
}
