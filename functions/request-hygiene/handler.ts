import { loadConfig } from '../../shared/config.js';
import { createObservability } from '../../shared/observability.js';
import { requestHygieneFunction } from '../../shared/services/requests/hygiene-function.js';
import { createRequestDeps } from '../../shared/wiring/requests.js';

/** Daily: reminders, closing unconfirmed requests, retrying failed steps. */
const observability = createObservability('request-hygiene');
export const handler = requestHygieneFunction(createRequestDeps(loadConfig(), observability), observability);
