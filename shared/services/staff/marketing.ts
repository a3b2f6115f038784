import { timingSafeEqual } from 'node:crypto';
import type { AuditActor } from '../../domain/audit.js';
import { ProblemError, retryOnConflict } from '../../domain/problem-error.js';
import { policy } from '../../domain/policy.js';
import type { ServiceDeps } from '../deps.js';
import type { OutgoingMail } from '../ports.js';
import { openPii } from '../personal-data-vault.js';
import type { KmsMac } from '../../adapters/kms-mac.js';
import type { StaffDeps } from './staff-deps.js';

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

export const unsubscribePath = '/api/marketing/unsubscribe';

async function unsubscribeToken(mac: KmsMac, licenseeId: string): Promise<string> {
  return `${licenseeId}.${await mac.sign('unsubscribe', licenseeId)}`;
}

function marketingMail(
  to: string,
  name: string,
  template: MarketingTemplateId,
  unsubscribeUrl: string,
  portalUrl: string,
): OutgoingMail {
  const { subject, nl, en } = marketingTemplates[template];
  return {
    to,
    subject: `${subject.nl} / ${subject.en}`,
    text: [
      `Beste ${name},`,
      '',
      nl,
      '',
      `Geen berichten meer ontvangen? Meld u met één klik af: ${unsubscribeUrl}`,
      `of wijzig uw voorkeur in het portaal: ${portalUrl}`,
      '',
      '---',
      '',
      en,
      '',
      `Unsubscribe with one click: ${unsubscribeUrl}`,
      '',
      `-- \n${policy.controller.name} · ${policy.controller.contactEmail}`,
    ].join('\n'),
    // RFC 8058 one-click unsubscribe: mail clients POST "List-Unsubscribe=One-Click" to this URL.
    headers: {
      'List-Unsubscribe': `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}

export async function marketingAudienceSize(deps: StaffDeps): Promise<{ recipients: number }> {
  return { recipients: (await deps.staffRepo.audienceIds()).length };
}

/**
 * Sends one template to the audience. The index may lag a just-made opt-out, so each profile is re-read
 * (strongly consistent) and skipped unless it is still active and not opted out.
 */
export async function sendMarketing(
  deps: StaffDeps,
  actor: AuditActor,
  template: MarketingTemplateId,
): Promise<{ sent: number; skipped: number }> {
  let sent = 0;
  let skipped = 0;
  for (const licenseeId of await deps.staffRepo.audienceIds()) {
    const profile = await deps.repo.getProfile(licenseeId);
    if (!profile || profile.status !== 'active' || profile.marketingOptOut) {
      skipped += 1;
      continue;
    }
    const { data } = await openPii(deps.envelope, licenseeId, profile.pii);
    const url = `${deps.portalUrl}${unsubscribePath}?token=${await unsubscribeToken(deps.mac, licenseeId)}`;
    await deps.mailer.send(marketingMail(data.email, data.name, template, url, deps.portalUrl));
    sent += 1;
  }
  await deps.audit.record({ actor, action: 'marketing.sent', details: { template, sent, skipped } });
  return { sent, skipped };
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
