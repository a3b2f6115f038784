import { loadConfig } from '../../shared/config.js';
import { createObservability } from '../../shared/observability.js';
import { mailIntakeFunction } from '../../shared/services/mail-intake/intake-function.js';
import { createMailIntakeDeps } from '../../shared/wiring/requests.js';

/** SES receipt rule: S3 action (raw MIME) then this function (Lambda action, asynchronous). */
const observability = createObservability('mail-intake');
export const handler = mailIntakeFunction(createMailIntakeDeps(loadConfig(), observability), observability);
