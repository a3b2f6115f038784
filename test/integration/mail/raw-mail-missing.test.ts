import { GetObjectCommand, NoSuchKey } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../../shared/adapters/raw-mail-store.js';
import { rawMailKeyOf } from '../../../shared/domain/mail-classification.js';
import { sesEventFor } from '../../../shared/services/mail-intake/ses-event.js';
import { lambdaContext } from '../../../local/lambda-context.js';
import { startMailWorld, type MailWorld } from './support.js';

let world: MailWorld;
beforeAll(async () => {
  world = await startMailWorld({ prefix: 'zorgsom-raw-missing' });
});
afterAll(async () => {
  await world?.close();
});

/**
 * A dead-letter redrive after the bucket's lifecycle removed the mail: S3 answers 404 (NoSuchKey) because
 * mail-intake may list the bucket (s3:ListBucket, asserted in the template test; without it S3 says 403), and
 * intake ends the event as "raw mail missing" instead of failing it back into the dead-letter queue.
 */
describe('an SES event whose raw mail is gone', () => {
  it('reads as 404 from S3 and ends as raw-mail-missing, without an error or a reply', async () => {
    const messageId = `expired${Date.now()}`;
    const s3 = createS3Client(world.config);
    await expect(
      s3.send(new GetObjectCommand({ Bucket: world.config.RAW_MAIL_BUCKET!, Key: rawMailKeyOf(messageId) })),
    ).rejects.toBeInstanceOf(NoSuchKey);
    s3.destroy();

    const event = sesEventFor({
      messageId,
      envelopeSender: 'someone@example.nl',
      recipients: ['info@zorgsom.nl'],
      verdicts: { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' },
    });
    const result = (await world.handler(event, lambdaContext('mail-intake'))) as { outcomes: string[] };
    expect(result.outcomes).toEqual(['raw-mail-missing']);
    expect(await world.mailsTo('someone@example.nl')).toHaveLength(0);
  });
});
