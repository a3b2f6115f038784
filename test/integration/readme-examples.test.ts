/**
 * Every ```sh block of README.md runs as written, in order, against `npm start` (on free ports and a data
 * folder of its own: the defaults in the blocks are rewritten to those ports, nothing else is touched).
 * The blocks run in a scratch folder that links the repository's files, so files they write stay out of it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../local/ports.js';
import { extractShellBlocks, readmeScript } from '../support/readme-blocks.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The defaults `npm start` uses, by the variable that changes each (local/start.ts). */
const defaultPorts = {
  PORT: 3000,
  DYNAMODB_PORT: 8000,
  KMS_PORT: 4599,
  SES_PORT: 8005,
  S3_PORT: 4569,
  SMTP_PORT: 2525,
};

let scratch: string;
let stackProcess: ChildProcess | undefined;
let stackOutput = '';
const ports: Record<string, number> = {};

function stopStack(): Promise<void> {
  const child = stackProcess;
  if (!child?.pid || child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      done();
    }, 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    process.kill(-child.pid!, 'SIGTERM');
  });
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'zorgsom-readme-'));
  // The repository as the person's working folder: links to every top-level entry (npm, tsx and the admin
  // CLI resolve through them), files the examples write land here.
  for (const entry of await readdir(repoRoot)) {
    if (entry === '.git' || entry.startsWith('.local')) continue;
    await symlink(join(repoRoot, entry), join(scratch, entry));
  }
  for (const name of Object.keys(defaultPorts)) ports[name] = await findFreePort();
  stackProcess = spawn('npm', ['start'], {
    cwd: scratch,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
      LOCAL_DATA_DIR: join(scratch, '.local'),
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    },
  });
  await new Promise<void>((ready, failed) => {
    const onData = (chunk: Buffer) => {
      stackOutput += chunk.toString();
      if (stackOutput.includes('Ctrl-C to stop')) ready();
    };
    stackProcess!.stdout!.on('data', onData);
    stackProcess!.stderr!.on('data', onData);
    stackProcess!.once('exit', (code) => failed(new Error(`npm start exited (${code}):\n${stackOutput}`)));
  });
}, 120_000);

afterAll(async () => {
  await stopStack();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('README.md', () => {
  it('runs every ```sh block as written against npm start', async () => {
    const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
    const blocks = extractShellBlocks(readme);
    expect(blocks.length).toBeGreaterThan(0);
    const byDefault = new Map(
      Object.entries(defaultPorts).map(([name, port]) => [String(port), ports[name]!]),
    );
    const { script, locate } = readmeScript(blocks, (line) =>
      line.replace(/(?<=:)(\d{4})\b/g, (port) => String(byDefault.get(port) ?? port)),
    );
    const scriptFile = join(scratch, 'readme.sh');
    const failures = join(scratch, 'failures.tsv');
    await writeFile(scriptFile, script);
    await writeFile(failures, '');
    const { code, output } = await new Promise<{ code: number | null; output: string }>((done) => {
      let output = '';
      const child = spawn('bash', [scriptFile], {
        cwd: scratch,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          // What a person sets in the second terminal when `npm start` runs on other ports.
          ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
          LOCAL_DATA_DIR: join(scratch, '.local'),
          README_FAILURES: failures,
        },
      });
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (exitCode) => done({ code: exitCode, output }));
    });
    // What a person would have seen in the terminal, for reading after the run.
    await mkdir(join(repoRoot, 'test-output'), { recursive: true });
    await writeFile(join(repoRoot, 'test-output', 'readme-examples.log'), output);
    const [first] = (await readFile(failures, 'utf8')).split('\n').filter(Boolean);
    if (first || code !== 0) {
      const [line, what] = first ? first.split('\t') : ['0', `bash exited with status ${code}`];
      const at = locate(Number(line));
      const where = at
        ? `README.md block ${at.block.index} (under "${at.block.heading}"), line ${at.readmeLine}: \`${at.text.trim()}\``
        : `README.md (script line ${line})`;
      expect.fail(`${where} ${what}\n--- output (last 3000 characters) ---\n${output.slice(-3000)}`);
    }
  }, 600_000);
});
