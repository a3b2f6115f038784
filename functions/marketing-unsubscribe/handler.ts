import { createAuditLog } from '../../shared/adapters/audit-log.js';
import { createKmsMac } from '../../shared/adapters/kms-mac.js';
import { loadConfig } from '../../shared/config.js';
import { httpFunction, httpOptionsFrom, type RouteHandler } from '../../shared/http/http-function.js';
import { unsubscribePage } from '../../shared/http/unsubscribe-page.js';
import { createObservability } from '../../shared/observability.js';
import { unsubscribe } from '../../shared/services/staff/marketing.js';
import { ulid } from 'ulid';
import { createDynamoDbClient } from '../../shared/adapters/dynamodb-client.js';
import { createKmsClient } from '../../shared/adapters/kms-client.js';
import { createLicenseeRepository } from '../../shared/adapters/licensee-repository.js';
import { systemClock } from '../../shared/domain/dates.js';

type UnsubscribeDeps = Parameters<typeof unsubscribe>[0];

export function createRoutes(deps: UnsubscribeDeps): Record<string, RouteHandler> {
  return {
    // A person who opens the link sees a button: a GET never changes anything (link scanners follow GETs).
    'GET /api/marketing/unsubscribe': async (request) => ({
      status: 200,
      html: unsubscribePage('confirm', request.query.token ?? ''),
    }),
    // RFC 8058: mail clients POST `List-Unsubscribe=One-Click`; the page's button posts the same form.
    'POST /api/marketing/unsubscribe': async (request) => {
      await unsubscribe(deps, request.query.token ?? '');
      return { status: 200, html: unsubscribePage('done', '') };
    },
  };
}

const config = loadConfig();
const observability = createObservability('marketing-unsubscribe');
// Only what an opt-out needs (no mail, no encryption): a small bundle and a small grant.
const dynamodb = createDynamoDbClient(config);
const clock = systemClock;
export const handler = httpFunction(
  createRoutes({
    repo: createLicenseeRepository({ client: dynamodb, tableName: config.TABLE_NAME, clock }),
    mac: createKmsMac({ kms: createKmsClient(config), keyId: config.HMAC_KEY_ID }),
    audit: createAuditLog({ client: dynamodb, tableName: config.TABLE_NAME, clock, newId: () => ulid() }),
  }),
  observability,
  httpOptionsFrom(config),
);
