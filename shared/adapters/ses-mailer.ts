import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingMail } from '../services/ports.js';
import { localCredentials } from './local-credentials.js';

export function createSesClient(config: { AWS_REGION: string; SES_ENDPOINT?: string }): SESv2Client {
  return new SESv2Client({
    region: config.AWS_REGION,
    ...(config.SES_ENDPOINT ? { endpoint: config.SES_ENDPOINT, credentials: localCredentials } : {}),
  });
}

export function createSesMailer({ ses, from }: { ses: SESv2Client; from: string }): Mailer {
  return {
    async send(mail: OutgoingMail) {
      await ses.send(
        new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: [mail.to] },
          Content: {
            Simple: {
              Subject: { Data: mail.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: mail.text, Charset: 'UTF-8' } },
              ...(mail.headers
                ? { Headers: Object.entries(mail.headers).map(([Name, Value]) => ({ Name, Value })) }
                : {}),
            },
          },
        }),
      );
    },
  };
}
