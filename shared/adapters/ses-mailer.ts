import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { OutboxPayload } from './outbox-store.js';
import { localCredentials } from './local-credentials.js';

export function createSesClient(config: { AWS_REGION: string; SES_ENDPOINT?: string }): SESv2Client {
  return new SESv2Client({
    region: config.AWS_REGION,
    ...(config.SES_ENDPOINT ? { endpoint: config.SES_ENDPOINT, credentials: localCredentials } : {}),
  });
}

/**
 * SES v2 itself: used by the mail-sender only (every other function writes to the outbox). Sends the text
 * and, when present, the HTML part, with the headers the sending policy set (Auto-Submitted, threading,
 * List-Unsubscribe). Returns SES's message id.
 */
export function createSesTransport({
  ses,
  from,
  configurationSetName,
}: {
  ses: SESv2Client;
  from: string;
  configurationSetName?: string;
}) {
  return {
    async deliver(mail: OutboxPayload): Promise<string> {
      const headers = { ...mail.headers };
      if (mail.thread) {
        headers['In-Reply-To'] = mail.thread.inReplyTo;
        headers.References = [...(mail.thread.references ?? []), mail.thread.inReplyTo].join(' ');
      }
      const entries = Object.entries(headers);
      const result = await ses.send(
        new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: [mail.to] },
          ...(configurationSetName ? { ConfigurationSetName: configurationSetName } : {}),
          Content: {
            Simple: {
              Subject: { Data: mail.subject, Charset: 'UTF-8' },
              Body: {
                Text: { Data: mail.text, Charset: 'UTF-8' },
                ...(mail.html ? { Html: { Data: mail.html, Charset: 'UTF-8' } } : {}),
              },
              ...(entries.length > 0 ? { Headers: entries.map(([Name, Value]) => ({ Name, Value })) } : {}),
            },
          },
        }),
      );
      return result.MessageId ?? 'unknown';
    },
  };
}
export type SesTransport = ReturnType<typeof createSesTransport>;
