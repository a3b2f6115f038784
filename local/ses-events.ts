import { randomUUID } from 'node:crypto';
import { invokedFunction } from './invoked-function.js';
import { buildContext } from './http-server.js';
import { enforceTableAccess } from './table-access-guard.js';

/**
 * SES's event publishing, locally. In AWS the configuration set sends bounce and complaint events of our own
 * mail to the default EventBridge bus, and a rule (infra/constructs/mail-outbox.ts) invokes the mail-sender
 * with them. The SES emulator never bounces, so a test (or a developer) builds the same EventBridge event
 * here and hands it to the same mail-sender handler, judged by the same table grants.
 */

export type SesFeedbackKind = 'permanent-bounce' | 'transient-bounce' | 'complaint';

/** The EventBridge envelope and SES event record exactly as AWS delivers them (the fields SES documents). */
export function sesFeedbackEvent(
  kind: SesFeedbackKind,
  recipients: string[],
  { messageId = `local-${randomUUID()}`, at = new Date() }: { messageId?: string; at?: Date } = {},
) {
  const time = at.toISOString();
  const mail = {
    timestamp: time,
    source: 'privacy@zorgsom.nl',
    messageId,
    destination: recipients,
    tags: { 'ses:configuration-set': ['zorgsom-local'] },
  };
  const detail =
    kind === 'complaint'
      ? {
          eventType: 'Complaint',
          complaint: {
            feedbackId: randomUUID(),
            complaintSubType: null,
            complainedRecipients: recipients.map((emailAddress) => ({ emailAddress })),
            timestamp: time,
            userAgent: 'local',
            complaintFeedbackType: 'abuse',
          },
          mail,
        }
      : {
          eventType: 'Bounce',
          bounce: {
            feedbackId: randomUUID(),
            bounceType: kind === 'permanent-bounce' ? 'Permanent' : 'Transient',
            bounceSubType: kind === 'permanent-bounce' ? 'General' : 'MailboxFull',
            bouncedRecipients: recipients.map((emailAddress) => ({
              emailAddress,
              action: 'failed',
              status: kind === 'permanent-bounce' ? '5.1.1' : '4.2.2',
              diagnosticCode: 'smtp; local',
            })),
            timestamp: time,
            reportingMTA: 'dns; local',
          },
          mail,
        };
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': kind === 'complaint' ? 'Email Complaint Received' : 'Email Bounced',
    source: 'aws.ses',
    account: '000000000000',
    time,
    region: 'eu-west-1',
    resources: ['arn:aws:ses:eu-west-1:000000000000:configuration-set/zorgsom-local'],
    detail,
  };
}

/** What the EventBridge rule does: invoke the mail-sender with the event, as the mail-sender. */
export async function publishSesEvent(
  handler: (event: unknown, context: unknown) => Promise<unknown>,
  event: ReturnType<typeof sesFeedbackEvent>,
): Promise<unknown> {
  enforceTableAccess();
  const context = buildContext('mail-sender', `local-ses-${event.id}`, 60_000);
  return invokedFunction.run('mail-sender', () => handler(event, context));
}
