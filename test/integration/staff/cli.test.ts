import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerLicensee } from '../../support/licensees.js';
import { startLocalApi, type LocalApi } from '../../support/local-api.js';

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(async () => {
  await api?.close();
});

const emptyDataDir = mkdtempSync(join(tmpdir(), 'zorgsom-cli-'));

/** `credential: null` runs the CLI with none at all. */
async function admin(args: string[], credential: string | null = api.staffCredential) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'cli/admin.ts', ...args],
      {
        env: {
          ...process.env,
          ZORGSOM_API_URL: api.url,
          LOCAL_DATA_DIR: emptyDataDir,
          ZORGSOM_ADMIN_CREDENTIAL: credential ?? '',
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
    expect(audit.stdout).toMatch(/staff:local:staff\s+licensee\.read-by-staff/);
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
    const noCredential = await admin(['report', 'processing-register'], null);
    expect(noCredential.code).toBe(1);
    expect(noCredential.stderr).toContain('npm start');
    const wrongCredential = await admin(['report', 'processing-register'], 'not-the-credential');
    expect(wrongCredential.code).toBe(1);
    expect(wrongCredential.stderr).toContain('403');
  });
});
