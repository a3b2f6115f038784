import { settleOutbox } from '../../local/outbox-stream.js';
import { readOutbox, type OutboxMail } from '../../local/ses-emulator.js';

/**
 * Mail leaves through the outbox: a request writes it, the mail-sender (following the table's stream) hands
 * it to the SES emulator a moment later. These helpers wait for that instead of reading the emulator at once.
 */

/** Every mail in the SES emulator once the env's table has no mail left pending (its sender must run). */
export async function deliveredMails(env: Record<string, string>, sinceEpochSeconds?: number) {
  await settleOutbox(env);
  return readOutbox(env.SES_ENDPOINT!, sinceEpochSeconds);
}

/** The newest mail to `to` (matching `pattern`) that reaches the emulator within `timeoutMs`. */
export async function waitForMail(
  sesEndpoint: string,
  to: string,
  { since, pattern = /./, timeoutMs = 10_000 }: { since?: number; pattern?: RegExp; timeoutMs?: number } = {},
): Promise<OutboxMail> {
  const deadline = Date.now() + timeoutMs;
  const address = to.toLowerCase();
  for (;;) {
    const mails = (await readOutbox(sesEndpoint, since)).filter(
      (mail) => mail.to.some((entry) => entry.toLowerCase() === address) && pattern.test(mail.text ?? ''),
    );
    const newest = mails.at(-1);
    if (newest) return newest;
    if (Date.now() > deadline) throw new Error(`no mail to the test address matching ${pattern} arrived`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
