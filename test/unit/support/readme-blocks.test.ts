import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { allowedStatuses, extractShellBlocks, readmeScript } from '../../support/readme-blocks.js';

const markdown = [
  '# Title',
  '```text',
  'npm start',
  '```',
  '## First',
  '```sh',
  'GREETING=hello',
  '```',
  '```console',
  '$ aws deploy',
  '```',
  '## Second',
  '```sh',
  'echo "$GREETING" \\',
  '  world',
  '# Refused (422)',
  'false',
  '```',
].join('\n');

const dir = await mkdtemp(join(tmpdir(), 'zorgsom-readme-unit-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function run(script: string) {
  const file = join(dir, 'script.sh');
  const failures = join(dir, 'failures.tsv');
  await writeFile(file, script);
  await writeFile(failures, '');
  const result = await promisify(execFile)('bash', [file], {
    env: { ...process.env, README_FAILURES: failures },
  }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );
  return { ...result, failures: (await readFile(failures, 'utf8')).trim() };
}

describe('README shell blocks', () => {
  it('takes only ```sh blocks, with the heading above each and the README line of its first command', () => {
    const blocks = extractShellBlocks(markdown);
    expect(blocks.map((b) => [b.index, b.heading, b.firstLine, b.lines[0]])).toEqual([
      [1, 'First', 7, 'GREETING=hello'],
      [2, 'Second', 14, 'echo "$GREETING" \\'],
    ]);
  });

  it('allows only the statuses the comment above a command names', () => {
    const [, second] = extractShellBlocks(markdown);
    expect([...allowedStatuses(second!)]).toEqual([[3, ['422']]]);
  });

  it('shares state between blocks and names the block and README line of the first failing command', async () => {
    const blocks = extractShellBlocks(markdown);
    const { script, locate } = readmeScript(blocks, (line) => line);
    const { code, stdout, failures } = await run(script);
    expect(stdout).toContain('hello world');
    expect(code).not.toBe(0);
    const [line, what] = failures.split('\t');
    expect(what).toBe('exited with status 1');
    const at = locate(Number(line));
    expect([at?.block.index, at?.readmeLine, at?.text]).toEqual([2, 17, 'false']);
  });

  it('fails a curl answered with an unexpected HTTP status, and names its command', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((request, response) => {
      response.statusCode = request.url === '/refused' ? 422 : 500;
      response.end('{"code":"x"}');
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    const { port } = server.address() as { port: number };
    try {
      const readme = [
        '## Calls',
        '```sh',
        '# Refused (422)',
        `curl -s http://127.0.0.1:${port}/refused`,
        '',
        `curl -s http://127.0.0.1:${port}/broken \\`,
        '  -H "x: y"',
        'echo never',
        '```',
      ].join('\n');
      const { script, locate } = readmeScript(extractShellBlocks(readme), (line) => line);
      const { stdout, failures } = await run(script);
      expect(stdout).not.toContain('never');
      const [line, what] = failures.split('\t');
      expect(what).toBe('answered HTTP 500: {"code":"x"}');
      expect(locate(Number(line))?.readmeLine).toBe(6);
    } finally {
      server.close();
    }
  });
});
