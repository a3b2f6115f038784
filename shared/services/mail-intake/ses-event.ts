import * as z from 'zod/mini';
import { rawMailKeyOf, type VerdictStatus } from '../../domain/mail-classification.js';
import type { InboundDelivery } from './intake.js';
import { schema } from '../../domain/schema.js';

const verdictSchema = /* @__PURE__ */ schema(() =>
  z.object({
    status: z.enum(['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED'] satisfies VerdictStatus[]),
  }),
);

/**
 * The boundary schema of SES's Lambda action event (receipt rule, InvocationType Event): verdicts and ids,
 * no body. Only what intake uses is read; headers in `mail.commonHeaders` are personal and left alone.
 */
export const sesEventSchema = /* @__PURE__ */ schema(() =>
  z.object({
    Records: z
      .array(
        z.object({
          ses: z.object({
            mail: z.object({
              // SES message ids are alphanumeric; the id also names the S3 object, so nothing else is allowed.
              messageId: z.string().check(z.regex(/^[A-Za-z0-9._-]{1,128}$/)),
              source: z.string(),
            }),
            receipt: z.object({
              spamVerdict: verdictSchema,
              virusVerdict: verdictSchema,
              spfVerdict: verdictSchema,
              dkimVerdict: verdictSchema,
              dmarcVerdict: verdictSchema,
            }),
          }),
        }),
      )
      .check(z.minLength(1)),
  }),
);
export type SesEvent = z.infer<typeof sesEventSchema>;

export function deliveriesOf(event: unknown): InboundDelivery[] {
  return sesEventSchema.parse(event).Records.map(({ ses: { mail, receipt } }) => ({
    messageId: mail.messageId,
    envelopeSender: mail.source,
    objectKey: rawMailKeyOf(mail.messageId),
    verdicts: {
      spam: receipt.spamVerdict.status,
      virus: receipt.virusVerdict.status,
      spf: receipt.spfVerdict.status,
      dkim: receipt.dkimVerdict.status,
      dmarc: receipt.dmarcVerdict.status,
    },
  }));
}

/** An SES-shaped event, as the local SMTP server and tests deliver one (the fields intake reads, and a few more). */
export function sesEventFor(input: {
  messageId: string;
  envelopeSender: string;
  recipients: string[];
  verdicts: Record<'spam' | 'virus' | 'spf' | 'dkim' | 'dmarc', VerdictStatus>;
  at?: Date;
}) {
  const timestamp = (input.at ?? new Date()).toISOString();
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp,
            source: input.envelopeSender,
            messageId: input.messageId,
            destination: input.recipients,
            headersTruncated: false,
            headers: [],
            commonHeaders: {},
          },
          receipt: {
            timestamp,
            processingTimeMillis: 0,
            recipients: input.recipients,
            spamVerdict: { status: input.verdicts.spam },
            virusVerdict: { status: input.verdicts.virus },
            spfVerdict: { status: input.verdicts.spf },
            dkimVerdict: { status: input.verdicts.dkim },
            dmarcVerdict: { status: input.verdicts.dmarc },
            action: {
              type: 'Lambda',
              functionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:mail-intake',
              invocationType: 'Event',
            },
          },
        },
      },
    ],
  };
}
