/**
 * What `cdk deploy` uploads, tested: the synthesised function bundles (test/support/deployed-bundles.ts),
 * each imported on its own outside the repository with the network forbidden, then driven through the local
 * HTTP adapter and as event handlers against the emulators, with the results the source-level tests assert.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { functionNames } from '../../functions/routes.js';
import { keys } from '../../shared/adapters/table-definition.js';
import { loadConfig } from '../../shared/config.js';
import { synthDeployedBundles, type DeployedBundles } from '../support/deployed-bundles.js';
import { newLicensee, startLocalApi, type LocalApi } from '../support/local-api.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { startMailDelivery } from '../support/mail-delivery.js';

let deployed: DeployedBundles;
let api: LocalApi;
const bundleOf = (name: string) => {
  const bundle = deployed.bundles.find((b) => b.name === name);
  if (!bundle) throw new Error(`the stack has no function ${name}`);
  return bundle;
};
async function handlerOf(name: string): Promise<(event: unknown, context: unknown) => Promise<unknown>> {
  const bundle = bundleOf(name);
  const exported = bundle.handler.replace(/^index\./, '');
  const module = (await import(pathToFileURL(bundle.file).href)) as Record<string, unknown>;
  const handler = module[exported];
  if (typeof handler !== 'function') throw new Error(`${name}: index.mjs exports no ${exported}`);
  return handler as never;
}

beforeAll(async () => {
  deployed = await synthDeployedBundles();
  api = await startLocalApi({}, { loadHandler: handlerOf, loadMailSender: () => handlerOf('mail-sender') });
}, 600_000);
afterAll(async () => {
  await api?.close();
  await deployed?.remove();
});

describe('the bundles cdk deploy uploads', () => {
  it('are one per function of the stack: every HTTP function and every background function', () => {
    const names = deployed.bundles.map((b) => b.name);
    expect(names).toEqual(expect.arrayContaining([...functionNames]));
    expect(names).toEqual(
      expect.arrayContaining([
        'mail-intake',
        'mail-sender',
        'retention-sweeper',
        'request-hygiene',
        'ttl-audit',
      ]),
    );
    for (const bundle of deployed.bundles) {
      expect(bundle.runtime).toBe('nodejs22.x');
      expect(bundle.handler).toBe('index.handler');
    }
  });

  it('each loads on its own, outside the repository, without a network call at import time', async () => {
    // Any socket opened while the module loads throws and ends the process non-zero.
    const guard = join(deployed.bundles[0]!.file, '..', '..', 'no-network.mjs');
    await writeFile(
      guard,
      [
        "import net from 'node:net'; import dns from 'node:dns';",
        'const refuse = (what) => () => { process.stderr.write(`network at import: ${what}\\n`); process.exit(3); };',
        "net.Socket.prototype.connect = refuse('socket'); dns.lookup = refuse('dns'); dns.promises.lookup = refuse('dns');",
      ].join('\n'),
    );
    const env = loadConfig(inject('localEnv'));
    const failures: string[] = [];
    await Promise.all(
      deployed.bundles.map(async (bundle) => {
        const script = `const m = await import(${JSON.stringify(pathToFileURL(bundle.file).href)}); if (typeof m.handler !== 'function') { console.error('no handler export'); process.exit(4); }`;
        try {
          await promisify(execFile)(
            process.execPath,
            ['--import', pathToFileURL(guard).href, '--input-type=module', '-e', script],
            { cwd: join(bundle.file, '..'), env: { ...process.env, ...env, NODE_PATH: '' } },
          );
        } catch (error) {
          const { stderr, code } = error as { stderr?: string; code?: number };
          failures.push(
            `${bundle.name} (exit ${code}): ${(stderr ?? '').split('\n').slice(0, 4).join(' | ')}`,
          );
        }
      }),
    );
    expect(failures).toEqual([]);
  });
});

describe('smoke: the deployed bundles against the local stack', () => {
  let licensee: { email: string; token: string; licenseeId: string };

  it('signup → confirm → overview', async () => {
    const body = newLicensee();
    const signup = await api.call('POST', '/api/licensees', { body });
    expect(signup.status).toBe(202);
    const email = body.email.toLowerCase();
    const confirm = await api.call('POST', '/api/licensees/confirm', {
      body: { email, code: await api.latestCode(email) },
    });
    expect(confirm.status).toBe(200);
    const token = confirm.body.token as string;
    const overview = await api.call('GET', '/api/me/export', { token });
    expect(overview.status).toBe(200);
    expect(overview.body.profile).toMatchObject({
      status: 'active',
      personalData: {
        name: body.name,
        email,
        iban: 'NL91ABNA0417164300',
        address: { postcode: '1015 CJ', city: 'Amsterdam', country: 'NL' },
      },
    });
    licensee = { email, token, licenseeId: overview.body.profile.licenseeId as string };
  });

  it('a privacy request by web form', async () => {
    const submitted = await api.call('POST', '/api/privacy-requests', {
      token: licensee.token,
      body: { type: 'question', message: 'Hoe lang bewaren jullie mijn IBAN?' },
    });
    expect(submitted.status).toBe(201);
    expect(submitted.body).toMatchObject({ type: 'question', status: 'open' });
    const listed = await api.call('GET', '/api/me/privacy-requests', { token: licensee.token });
    expect(listed.body.requests.map((r: { reference: string }) => r.reference)).toContain(
      submitted.body.reference,
    );
  });

  it('one mail through intake: a registered sender gets a confirmation code at the address on record (delivered by the mail-sender bundle)', async () => {
    const intake = await startMailDelivery(api.env, { handler: await handlerOf('mail-intake') });
    try {
      const raw =
        `From: <${licensee.email}>\nTo: info@zorgsom.nl\nSubject: Privacy\nMessage-ID: <bundle${Date.now()}@example.nl>\n` +
        'Content-Type: text/plain; charset=utf-8\n\nGraag inzage in mijn gegevens.\n';
      const before = (await api.mailsTo(licensee.email)).length;
      expect((await intake.deliver(raw)).outcome).toBe('request-overview');
      const mails = await api.mailsTo(licensee.email);
      expect(mails).toHaveLength(before + 1);
      expect(mails.at(-1)!.text).toMatch(/P-[0-9A-Z]{8}/);
    } finally {
      await intake.close();
    }
  });

  it('one staff call: the audited licensee read', async () => {
    const shown = await api.staff('POST', '/api/admin/licensees/show', { licenseeId: licensee.licenseeId });
    expect(shown.status).toBe(200);
    expect(JSON.stringify(shown.body)).toContain(licensee.email);
  });

  it('one sweeper run: a licensee past the purge date is gone, sessions included', async () => {
    const ended = await api.call('POST', '/api/me/licence/end', {
      token: licensee.token,
      body: { confirm: true },
    });
    expect(ended.status).toBe(200);
    // Bring the purge date to the past (the bundle runs on the system clock).
    await api.dynamodb.send(
      new UpdateItemCommand({
        TableName: api.env.TABLE_NAME,
        Key: { pk: { S: keys.licensee(licensee.licenseeId) }, sk: { S: keys.profile } },
        UpdateExpression: 'SET purgeAt = :past',
        ExpressionAttributeValues: { ':past': { N: String(Math.floor(Date.now() / 1000) - 60) } },
      }),
    );
    const sweeper = await handlerOf('retention-sweeper');
    const report = await sweeper(
      {},
      { ...lambdaContext('retention-sweeper'), getRemainingTimeInMillis: () => 290_000 },
    );
    expect(report).toMatchObject({ due: 1, purged: 1, failed: 0, incomplete: false });
    const { Items } = await api.dynamodb.send(
      new QueryCommand({
        TableName: api.env.TABLE_NAME,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: keys.licensee(licensee.licenseeId) } },
      }),
    );
    expect(Items).toEqual([]);
    expect((await api.call('GET', '/api/me', { token: licensee.token })).status).toBe(401);
  });
});
