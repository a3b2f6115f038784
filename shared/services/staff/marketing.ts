import * as z from 'zod/mini';
import { timingSafeEqual } from 'node:crypto';
import type { AuditActor } from '../../domain/audit.js';
import { ProblemError, retryOnConflict } from '../../domain/problem-error.js';
import type { ServiceDeps } from '../deps.js';
import type { MailLanguage, OutgoingMail } from '../ports.js';
import { bilingual } from '../mail-templates.js';
import { languageOf } from '../../domain/records.js';
import { openPii } from '../personal-data-vault.js';
import type { KmsMac } from '../../adapters/kms-mac.js';
import type { StaffDeps } from './staff-deps.js';
import { startJobOnce, type JobDeps } from '../jobs/jobs.js';
import { budgetDayOf } from '../../domain/sending-policy.js';
import type { StepOutcome } from '../jobs/runner.js';
import type { JobView, StoredJob } from '../../domain/job.js';
import { schema } from '../../domain/schema.js';

/** The only marketing mails that can leave the system; each carries its opt-out (Telecommunicatiewet 11.7). */
export const marketingTemplates = {
  'product-update': {
    subject: { nl: 'Nieuw in ZorgSom', en: 'New in ZorgSom' },
    nl: 'Er staan nieuwe functies voor u klaar in ZorgSom. Kijk op de website voor wat er nieuw is.',
    en: 'New features are waiting for you in ZorgSom. See the website for what is new.',
  },
  'training-invitation': {
    subject: { nl: 'Uitnodiging: gratis ZorgSom-training', en: 'Invitation: free ZorgSom training' },
    nl: 'Wij organiseren een gratis online training over ZorgSom. Aanmelden kan via de website.',
    en: 'We are running a free online ZorgSom training. You can register on the website.',
  },
} as const;
export type MarketingTemplateId = keyof typeof marketingTemplates;
export const marketingTemplateIds = Object.keys(marketingTemplates) as [
  MarketingTemplateId,
  ...MarketingTemplateId[],
];
const marketingTemplateIdSchema = /* @__PURE__ */ schema(() => z.enum(marketingTemplateIds));

export const unsubscribePath = '/api/marketing/unsubscribe';

async function unsubscribeToken(mac: KmsMac, licenseeId: string): Promise<string> {
  return `${licenseeId}.${await mac.sign('unsubscribe', licenseeId)}`;
}

export function marketingMail(
  to: string,
  name: string,
  template: MarketingTemplateId,
  unsubscribeUrl: string,
  portalUrl: string,
  language: MailLanguage,
): OutgoingMail {
  const { subject, nl, en } = marketingTemplates[template];
  return {
    ...bilingual(
      to,
      subject,
      [
        `Beste ${name},`,
        '',
        nl,
        '',
        `Geen berichten meer ontvangen? Meld u met één klik af: ${unsubscribeUrl}`,
        `of wijzig uw voorkeur in het portaal: ${portalUrl}`,
      ].join('\n'),
      [
        `Dear ${name},`,
        '',
        en,
        '',
        `No longer want these messages? Unsubscribe with one click: ${unsubscribeUrl}`,
        `or change your preference in the portal: ${portalUrl}`,
      ].join('\n'),
      language,
    ),
    kind: 'marketing',
    template: `marketing-${template}`,
    // RFC 8058 one-click unsubscribe: mail clients POST "List-Unsubscribe=One-Click" to this URL.
    headers: {
      'List-Unsubscribe': `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}

/** Exactly what `send` mails (same template), with placeholders for the recipient's name and link. */
export function previewMarketing(template: MarketingTemplateId, portalUrl: string) {
  const mail = marketingMail(
    '',
    '<naam>',
    template,
    `${portalUrl}${unsubscribePath}?token=<persoonlijk>`,
    portalUrl,
    // Staff see both texts; each licensee gets the one in their own language.
    'nl+en',
  );
  return { template, subject: mail.subject, text: mail.text, headers: mail.headers };
}

export async function marketingAudienceSize(deps: StaffDeps): Promise<{ recipients: number }> {
  return { recipients: (await deps.staffRepo.audienceIds()).length };
}

/**
 * Starts sending one template to the audience, as a job off the request path: the answer is the job, whose
 * progress `jobs show` reports while the runner works through the audience. Once per template and Dutch
 * calendar day: a double click, or two staff at once, start one send, and every later call that day is shown
 * that job (`started: false`) instead of mailing the audience again.
 */
export async function startMarketingSend(
  deps: JobDeps,
  actor: AuditActor,
  template: MarketingTemplateId,
): Promise<JobView & { started: boolean }> {
  const onceKey = `marketing-send:${template}:${budgetDayOf(deps.clock())}`;
  return startJobOnce(deps, actor, 'marketing-send', { template }, onceKey);
}

/**
 * The runner's part: every licensee of the audience gets the mail once. Each recipient is re-read (the index
 * may lag a just-made opt-out) and skipped unless still active and not opted out; a recipient is claimed (a
 * marker and the job's counter in one transaction) before the mail goes, and audited once it went, so a
 * retry, a continuation or a duplicate invocation never mails anyone twice. A send that fails releases its
 * claim before the error ends the run, so the retry sends it. Only a crash between the claim and the send
 * would lose that one mail: marketing errs on the side of one mail too few, never one too many.
 */
export async function runMarketingSend(
  deps: StaffDeps & JobDeps,
  job: StoredJob,
  shouldStop: () => boolean,
): Promise<StepOutcome> {
  const template = marketingTemplateIdSchema.parse(job.params.template);
  const audience = await deps.staffRepo.audienceIds();
  const done = await deps.jobs.doneItems(job.jobId);
  if (job.progress.audience === undefined)
    await deps.jobs.setProgress(job.jobId, { audience: audience.length });
  for (const licenseeId of audience) {
    if (done.has(licenseeId)) continue;
    if (shouldStop()) return { status: 'stopped' };
    const profile = await deps.repo.getProfile(licenseeId);
    if (!profile || profile.status !== 'active' || profile.marketingOptOut) {
      await deps.jobs.claimItem(job.jobId, licenseeId, 'skipped');
      continue;
    }
    const { data } = await openPii(deps.envelope, licenseeId, profile.pii);
    const url = `${deps.portalUrl}${unsubscribePath}?token=${await unsubscribeToken(deps.mac, licenseeId)}`;
    if (!(await deps.jobs.claimItem(job.jobId, licenseeId, 'sent'))) continue;
    try {
      await deps.mailer.send({
        ...marketingMail(data.email, data.name, template, url, deps.portalUrl, languageOf(profile)),
        idempotencyKey: `marketing:${job.jobId}:${licenseeId}`,
      });
    } catch (error) {
      await deps.jobs.releaseItem(job.jobId, licenseeId, 'sent');
      throw error;
    }
    // Only a mail that left is audited (in the recipient's own trail); the append-only trail never says
    // "sent" for a send that failed and was released.
    await deps.audit.record({
      actor: job.startedBy,
      action: 'marketing.mail-sent',
      licenseeId,
      subjectId: job.jobId,
      details: { template },
    });
  }
  const finished = await deps.jobs.get(job.jobId);
  return {
    status: 'finished',
    action: 'marketing.sent',
    result: { template, sent: finished?.progress.sent ?? 0, skipped: finished?.progress.skipped ?? 0 },
  };
}

/** One-click opt-out from a marketing mail: takes effect at once, needs no session and no decryption. */
export async function unsubscribe(
  deps: Pick<ServiceDeps, 'repo'> & { mac: KmsMac; audit: StaffDeps['audit'] },
  token: string,
): Promise<void> {
  const [licenseeId, signature] = token.split('.');
  if (!licenseeId || !signature || !/^[0-9A-HJKMNP-TV-Z]{26}$/.test(licenseeId))
    throw new ProblemError(400, 'invalid-code');
  const expected = Buffer.from(await deps.mac.sign('unsubscribe', licenseeId));
  const actual = Buffer.from(signature);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual))
    throw new ProblemError(400, 'invalid-code');

  const changed = await retryOnConflict(async () => {
    const profile = await deps.repo.getProfile(licenseeId);
    if (!profile || profile.marketingOptOut) return false;
    await deps.repo.saveProfile(
      { ...profile, marketingOptOut: true, version: profile.version + 1 },
      profile.version,
    );
    return true;
  });
  if (!changed) return;
  await deps.audit.record({
    actor: { kind: 'licensee', id: licenseeId },
    action: 'marketing.opted-out',
    licenseeId,
    details: { channel: 'one-click' },
  });
}
