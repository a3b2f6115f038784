import { randomBytes } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { verdictsFromHeaders } from '../../local/smtp-server.js';
import { loadConfig } from '../../shared/config.js';
import { rawMailKeyOf } from '../../shared/domain/mail-classification.js';
import { createObservability } from '../../shared/observability.js';
import { mailIntakeFunction } from '../../shared/services/mail-intake/intake-function.js';
import { sesEventFor } from '../../shared/services/mail-intake/ses-event.js';
import { createMailIntakeDeps } from '../../shared/wiring/requests.js';
import type { LocalApi } from './local-api.js';

/**
 * Delivers raw mail to info@ of a local API the way SES receipt does: the raw object in the raw-mail bucket,
 * then the real intake function on an SES event with the verdicts the headers claim. Resolves with the intake's
 * outcome (`general` for a mail that becomes a staff-inbox item).
 */
export function mailIntakeOf(api: LocalApi) {
  const deps = createMailIntakeDeps(loadConfig(api.env), { count: () => {} });
  const intake = mailIntakeFunction(deps, createObservability('mail-intake'));
  return async (raw: string, envelopeSender: string): Promise<string> => {
    const messageId = `inbox${randomBytes(10).toString('hex')}`;
    const buffer = Buffer.from(raw.replaceAll('\n', '\r\n'), 'utf8');
    await deps.rawMail.put(rawMailKeyOf(messageId), buffer);
    const context = {
      functionName: 'mail-intake',
      awsRequestId: randomBytes(8).toString('hex'),
      getRemainingTimeInMillis: () => 60_000,
    } as unknown as Context;
    const result = (await intake(
      sesEventFor({
        messageId,
        envelopeSender,
        recipients: ['info@zorgsom.nl'],
        verdicts: verdictsFromHeaders(buffer),
      }),
      context,
    )) as { outcomes: string[] };
    return result.outcomes[0] ?? '';
  };
}

/** A plain general mail (no privacy keywords) to info@. */
export const generalMail = (from: string, subject: string, text: string, messageId: string) =>
  `From: <${from}>\nTo: info@zorgsom.nl\nSubject: ${subject}\nMessage-ID: ${messageId}\nDate: Tue, 1 Dec 2026 09:00:00 +0100\nContent-Type: text/plain; charset=utf-8\n\n${text}\n`;
