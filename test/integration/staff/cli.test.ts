import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerLicensee } from '../../support/licensees.js';
import { startLocalApi, type LocalApi } from '../../support/local-api.js';

const dataDir = mkdtempSync(join(tmpdir(), 'zorgsom-cli-'));
const configDir = mkdtempSync(join(tmpdir(), 'zorgsom-cli-config-'));

let api: LocalApi;
let adminToken: string;
beforeAll(async () => {
  // The staff users live in the data folder, where `login --as` finds them, as after `npm start`.
  api = await startLocalApi({}, { staffDataDir: dataDir });
  adminToken = await api.staffToken('admin');
});
afterAll(async () => {
  await api?.close();
});

/** `token: null` runs the CLI with none given (it then uses what `login` saved). */
async function admin(args: string[], token: string | null = adminToken, apiUrl = api.url) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'cli/admin.ts', ...args],
      {
        env: {
          ...process.env,
          ZORGSOM_API_URL: apiUrl,
          LOCAL_DATA_DIR: dataDir,
          ZORGSOM_CONFIG_DIR: configDir,
          ZORGSOM_STAFF_TOKEN: token ?? '',
        },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the staff CLI against the local stack', () => {
  it('shows a licensee readably, or as JSON for scripts', async () => {
    const licensee = await registerLicensee(api);
    const shown = await admin(['licensee', 'show', licensee.licenseeId]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`email: ${licensee.email}`);
    const json = await admin(['licensee', 'show', licensee.licenseeId, '--json']);
    expect(JSON.parse(json.stdout).personalData.email).toBe(licensee.email);

    const audit = await admin(['audit', '--licensee', licensee.licenseeId]);
    expect(audit.stdout).toMatch(/staff:admin@zorgsom\.local\s+licensee\.read-by-staff/);
    expect(audit.stdout.match(/licensee\.read-by-staff/g)).toHaveLength(2);
  });

  it('records a disclosure and refuses an unlawful basis with a clear error', async () => {
    const licensee = await registerLicensee(api);
    const base = [
      'disclosure',
      'record',
      licensee.licenseeId,
      '--recipient',
      'Accountant BV',
      '--categories',
      'name,iban',
      '--reference',
      'ACC-7',
    ];
    const refused = await admin([...base, '--basis', 'marketing']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/basis/);
    const recorded = await admin([...base, '--basis', 'business-necessity']);
    expect(recorded.code).toBe(0);
    expect(recorded.stdout).toContain('Disclosure recorded.');
  });

  it('explains usage and a missing credential', async () => {
    const unknown = await admin(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command');
    expect(unknown.stderr).toContain('licensee show LICENSEE_ID');
    const missing = await admin(['disclosure', 'record', '01ARZ3NDEKTSV4RRFFQ69G5FAV']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing --recipient');
    const noToken = await admin(['report', 'processing-register'], null);
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('npm run admin -- login');
    const notAToken = await admin(['report', 'processing-register'], 'not-a-token');
    expect(notAToken.code).toBe(1);
    expect(notAToken.stderr).toContain('login');
  });

  it('signs in through the staff sign-in (password, TOTP) and works within the role it got', async () => {
    const login = await admin(['login', '--as', 'viewer'], null);
    expect(login.stderr).toBe('');
    expect(login.stdout).toContain('Signed in to');
    expect(login.stdout).toContain('(viewer)');
    const report = await admin(['report', '--json'], null);
    expect(report.code).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    // `report` without dates is the current month up to today.
    expect(JSON.parse(report.stdout).period).toEqual({ from: `${today.slice(0, 7)}-01`, to: today });
    const licensee = await registerLicensee(api);
    const refused = await admin(['licensee', 'show', licensee.licenseeId], null);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('403');
    expect(refused.stderr).not.toContain(licensee.email);
    const signedOut = await admin(['logout'], null);
    expect(signedOut.code).toBe(0);
    expect((await admin(['report'], null)).stderr).toContain('Not signed in');
  });

  it('reports the current month when no period is given, the same as naming it', async () => {
    await registerLicensee(api);
    const today = new Date().toISOString().slice(0, 10);
    const byDefault = await admin(['report', '--json']);
    expect(byDefault.code, byDefault.stderr).toBe(0);
    const report = JSON.parse(byDefault.stdout) as { period: { from: string; to: string } };
    expect(report.period).toEqual({ from: `${today.slice(0, 7)}-01`, to: today });
    const named = await admin(['report', '--json', '--from', report.period.from, '--to', report.period.to]);
    expect(JSON.parse(named.stdout)).toEqual(report);
  });

  it('takes --api with or without /api, and names the URL it could not reach', async () => {
    for (const form of [api.url, `${api.url}/`, `${api.url}/api`, `${api.url}/api/`]) {
      const register = await admin(['report', 'processing-register', '--api', form]);
      expect(register.code, form).toBe(0);
    }
    const unreachable = await admin(['report'], adminToken, 'http://127.0.0.1:9/api');
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('http://127.0.0.1:9/api/admin/reports/activity');
  });
});
