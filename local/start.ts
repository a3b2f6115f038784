/**
 * `npm start`: the whole system on this machine. DynamoDB Local (data kept in LOCAL_DATA_DIR), the KMS
 * stand-in, the SES emulator (mails land in its outbox viewer) and the functions behind a local API Gateway.
 */
import { resolve } from 'node:path';
import { PortInUseError } from './ports.js';
import { DataDirInUseError } from './process-registry.js';
import { startLocalStack, type StackPorts } from './stack.js';
import { buildWeb } from './web-build.js';
import { totpUri, type LocalStaffUser } from './staff-idp.js';

/** The first staff users, one per role: username, password and the TOTP secret for an authenticator app. */
function staffUserLines(users: LocalStaffUser[]): string[] {
  return users.flatMap((user) => [
    `    ${user.role.padEnd(8)} ${user.username}  password ${user.password}`,
    `             TOTP secret ${user.totpSecret}  (${totpUri(user)})`,
  ]);
}

// The SDK's Node-version notice is noise on a developer's console.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const portVariables: Record<keyof StackPorts, { name: string; fallback: number }> = {
  http: { name: 'PORT', fallback: 3000 },
  dynamodb: { name: 'DYNAMODB_PORT', fallback: 8000 },
  kms: { name: 'KMS_PORT', fallback: 4599 },
  ses: { name: 'SES_PORT', fallback: 8005 },
  s3: { name: 'S3_PORT', fallback: 4569 },
  smtp: { name: 'SMTP_PORT', fallback: 2525 },
};

function fail(message: string): never {
  process.stderr.write(`\n${message}\n\n`);
  process.exit(1);
}

function readPort(key: keyof StackPorts): number {
  const { name, fallback } = portVariables[key];
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`${name}=${raw} is not a valid port number.`);
  return port;
}

const ports: StackPorts = {
  http: readPort('http'),
  dynamodb: readPort('dynamodb'),
  kms: readPort('kms'),
  ses: readPort('ses'),
  s3: readPort('s3'),
  smtp: readPort('smtp'),
};
const dataDir = resolve(process.env.LOCAL_DATA_DIR || '.local/');

const startedAt = performance.now();
// The portal is built from web/src (and the policy file) on every start, so it never serves stale pages.
try {
  await buildWeb();
} catch (error) {
  fail(`The portal (web/) could not be built: ${error instanceof Error ? error.message : String(error)}`);
}
let stack;
try {
  stack = await startLocalStack({ dataDir, persistent: true, ports, serveHttp: true });
} catch (error) {
  if (error instanceof PortInUseError) {
    const variable = (portVariables as Record<string, { name: string } | undefined>)[error.what]?.name;
    fail(
      variable
        ? `Port ${error.port} (${error.what}) is already in use. Stop whatever uses it, or choose another port: ${variable}=<port> npm start`
        : error.message,
    );
  }
  if (error instanceof DataDirInUseError) fail(error.message);
  const message = error instanceof Error ? error.message : String(error);
  fail(`The local stack could not start: ${message}`);
}
const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);

const lines = [
  '',
  `ZorgSom Privacy runs locally (started in ${seconds} s)`,
  '',
  `  Portal and API   ${stack.env.PORTAL_URL}/  (API under /api)`,
  `  API origin       ${stack.apiOriginUrl}/api  (as execute-api in AWS: skips the edge, so every call is refused 403)`,
  `  Outbox (mails)   ${stack.outboxUrl}`,
  `  Mail to info@    smtp://127.0.0.1:${stack.smtpPort}  (stored in local S3, handled by mail-intake)`,
  `  Data folder      ${stack.dataDir}`,
  `  Retention        sweeper runs in-process every minute (purges licensees whose purge date passed)`,
  `  Staff sign-in    ${stack.env.STAFF_ISSUER}/  (console: ${stack.env.PORTAL_URL}/console/; CLI: npm run admin -- login --as ROLE)`,
  ...staffUserLines(stack.staffUsers ?? []),
  '',
  `  DynamoDB Local   ${stack.endpoints.dynamodb}  (table ${stack.env.TABLE_NAME})`,
  `  KMS              ${stack.endpoints.kms}`,
  `  SES              ${stack.endpoints.ses}`,
  `  S3 (raw mail)    ${stack.endpoints.s3}  (bucket ${stack.env.RAW_MAIL_BUCKET})`,
];
for (const leftover of stack.endedLeftovers) {
  lines.push('', `  Ended ${leftover}: a leftover of an earlier run on this data folder that did not stop`);
}
for (const warning of stack.warnings) lines.push('', `  Warning: ${warning}`);
if (stack.missingHandlers.length > 0) {
  lines.push('', `  Not yet built: ${stack.missingHandlers.join(', ')} (their routes answer 500)`);
}
lines.push('', 'Ctrl-C to stop', '');
console.log(lines.join('\n'));

/** Longer than any service takes to close (DynamoDB Local: TERM, then KILL after 5 s). */
const STOP_TIMEOUT_MS = 15_000;
let stopping = false;
const shutdown = (why: string): void => {
  if (stopping) return;
  stopping = true;
  console.log(`Stopping (${why})…`);
  // Should a service hang, exit anyway: the 'exit' handler of local/dynamodb-local.ts kills the JVM.
  setTimeout(() => {
    process.stderr.write('Stopping took too long; exiting.\n');
    process.exit(1);
  }, STOP_TIMEOUT_MS).unref();
  stack
    .stop()
    .then(() => {
      console.log('Stopped.');
      process.exit(0);
    })
    .catch((error: unknown) => {
      process.stderr.write(`Stopping failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal));

// `npm start` runs this under npm and a shell. TERM to npm ends the shell without passing the signal on,
// leaving this process orphaned: a changed parent is the sign to stop as well.
const parentAtStart = process.ppid;
setInterval(() => {
  if (process.ppid !== parentAtStart) shutdown('its parent process ended');
}, 250).unref();
