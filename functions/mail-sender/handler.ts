import { loadConfig } from '../../shared/config.js';
import { createObservability } from '../../shared/observability.js';
import { mailSenderFunction } from '../../shared/services/mail-sender/sender-function.js';
import { createMailSenderDeps } from '../../shared/wiring/mail-sender.js';

const config = loadConfig();
const observability = createObservability('mail-sender');

/** The one mail-sender: outbox stream records (and the redrive schedule) in, SES v2 out. */
export const handler = mailSenderFunction(createMailSenderDeps(config, observability), observability);
