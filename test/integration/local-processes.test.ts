/**
 * `npm start` as a developer runs it, in a child process: every service listens on 127.0.0.1 only, and every
 * usual way of stopping it (TERM to npm, Ctrl-C, TERM to node, even SIGKILL to node) leaves no process and no
 * bound port behind. A leftover of a killed run is ended by the next start; a stack still running on the same
 * data folder is named and left alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findFreePort } from '../../local/ports.js';
import { hasEnded, isRunning, PROCESS_FILE, type RecordedProcess } from '../../local/process-registry.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const START_TIMEOUT_MS = 150_000;
const STOP_TIMEOUT_MS = 30_000;
const portNames = ['PORT', 'DYNAMODB_PORT', 'KMS_PORT', 'SES_PORT', 'S3_PORT', 'SMTP_PORT'] as const;
type Ports = Record<(typeof portNames)[number], number>;

interface Started {
  npm: ChildProcess;
  ports: Ports;
  output: () => string;
  owner: RecordedProcess;
  dynamodb: RecordedProcess;
}

const started: Started[] = [];
const dataDirs: string[] = [];
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function freePorts(): Promise<Ports> {
  const ports = {} as Ports;
  for (const name of portNames) ports[name] = await findFreePort();
  return ports;
}

async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'zorgsom-processes-'));
  dataDirs.push(dir);
  return dir;
}

function launch(dataDir: string, ports: Ports): { npm: ChildProcess; output: () => string } {
  const env: NodeJS.ProcessEnv = { ...process.env, LOCAL_DATA_DIR: dataDir };
  for (const name of portNames) env[name] = String(ports[name]);
  // Its own process group, like a terminal's foreground job: a signal to -pid reaches npm and all below it.
  const npm = spawn('npm', ['start'], { cwd: repoRoot, env, detached: true, stdio: 'pipe' });
  let output = '';
  const collect = (chunk: Buffer) => void (output += chunk.toString('utf8'));
  npm.stdout?.on('data', collect);
  npm.stderr?.on('data', collect);
  return { npm, output: () => output };
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

function exited(child: ChildProcess): Promise<number | null> {
  if (hasExited(child)) return Promise.resolve(child.exitCode);
  return new Promise((done) => child.once('exit', (code) => done(code)));
}

async function startStack(dataDir: string, ports?: Ports): Promise<Started> {
  const chosen = ports ?? (await freePorts());
  const { npm, output } = launch(dataDir, chosen);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!output().includes('Ctrl-C to stop')) {
    if (hasExited(npm)) throw new Error(`npm start exited early:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`npm start did not come up:\n${output()}`);
    await sleep(200);
  }
  const record = JSON.parse(readFileSync(join(dataDir, PROCESS_FILE), 'utf8')) as {
    owner: RecordedProcess;
    children: RecordedProcess[];
  };
  const dynamodb = record.children.find((child) => child.what === 'DynamoDB Local');
  if (!dynamodb) throw new Error('no DynamoDB Local recorded');
  const stack = { npm, ports: chosen, output, owner: record.owner, dynamodb };
  started.push(stack);
  return stack;
}

/** The LISTEN sockets of this machine on `port`, as hex local addresses of /proc/net/tcp{,6}. */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === '0A' && fields[1]?.endsWith(`:${hexPort}`))
      .map((fields) => fields[1]?.split(':')[0] ?? ''),
  );
}
const LOOPBACK = new Set([
  '0100007F', // 127.0.0.1
  '00000000000000000000000001000000', // ::1
  '0000000000000000FFFF00000100007F', // ::ffff:127.0.0.1
]);

function refused(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(false);
    });
    socket.once('error', () => done(true));
  });
}

async function expectAllGone(stack: Started): Promise<void> {
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  const running = () =>
    [stack.owner, stack.dynamodb].filter((p) => !hasEnded(p)).map((p) => `${p.what} ${p.pid}`);
  while (running().length > 0 || !hasExited(stack.npm)) {
    if (Date.now() > deadline) {
      const npm = hasExited(stack.npm) ? [] : [`npm ${stack.npm.pid}`];
      throw new Error(`still running: ${[...running(), ...npm].join(', ')}\n${stack.output()}`);
    }
    await sleep(100);
  }
  for (const name of portNames) {
    expect(await refused(stack.ports[name]), `${name} ${stack.ports[name]} still answers`).toBe(true);
  }
}

afterEach(async () => {
  for (const stack of started.splice(0)) {
    for (const recorded of [stack.dynamodb, stack.owner]) {
      if (isRunning(recorded)) process.kill(recorded.pid, 'SIGKILL');
    }
    if (!hasExited(stack.npm) && stack.npm.pid) {
      try {
        process.kill(-stack.npm.pid, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    }
  }
  for (const dir of dataDirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!existsSync('/proc/net/tcp'))('npm start as a process', { timeout: 240_000 }, () => {
  it('listens on 127.0.0.1 only, and TERM to npm stops every process and frees every port', async () => {
    const stack = await startStack(await newDataDir());
    for (const name of portNames) {
      const addresses = listeningAddresses(stack.ports[name]);
      expect(addresses, `${name} listens`).not.toHaveLength(0);
      for (const address of addresses) expect(LOOPBACK, `${name} on ${address}`).toContain(address);
    }
    expect(stack.output()).not.toContain('Warning:');
    // The API's own endpoint (execute-api in AWS) listens on loopback too, and refuses what skips the edge.
    const origin = /API origin\s+(http:\/\/127\.0\.0\.1:(\d+))\/api/.exec(stack.output());
    expect(origin, stack.output()).not.toBeNull();
    for (const address of listeningAddresses(Number(origin![2]))) expect(LOOPBACK).toContain(address);
    const direct = await fetch(`${origin![1]}/api/export-schema`);
    expect(direct.status).toBe(403);
    expect(await direct.json()).toMatchObject({ code: 'origin-required' });
    const viaEdge = await fetch(`http://127.0.0.1:${stack.ports.PORT}/api/export-schema`);
    expect(viaEdge.status).toBe(200);
    await viaEdge.text();

    process.kill(stack.npm.pid ?? 0, 'SIGTERM');
    await expectAllGone(stack);
  });

  it('Ctrl-C (SIGINT to the foreground process group) stops everything', async () => {
    const stack = await startStack(await newDataDir());
    process.kill(-(stack.npm.pid ?? 0), 'SIGINT');
    await expectAllGone(stack);
  });

  it('TERM to the node process stops everything, and the record of processes is removed', async () => {
    const dataDir = await newDataDir();
    const stack = await startStack(dataDir);
    process.kill(stack.owner.pid, 'SIGTERM');
    await expectAllGone(stack);
    expect(stack.output()).toContain('Stopped.');
    expect(existsSync(join(dataDir, PROCESS_FILE))).toBe(false);
  });

  it('a SIGKILLed node takes DynamoDB Local with it (the JVM exits when its parent does)', async () => {
    const stack = await startStack(await newDataDir());
    process.kill(stack.owner.pid, 'SIGKILL');
    await expectAllGone(stack);
  });

  it('the next start ends a leftover JVM of a killed run; a stack still running is named, not touched', async () => {
    const dataDir = await newDataDir();
    const first = await startStack(dataDir);
    // A JVM that cannot notice its parent died (stopped), left holding the DynamoDB port by a SIGKILL.
    process.kill(first.dynamodb.pid, 'SIGSTOP');
    process.kill(first.owner.pid, 'SIGKILL');
    await exited(first.npm);
    await sleep(500);
    expect(isRunning(first.dynamodb)).toBe(true);
    expect(await refused(first.ports.DYNAMODB_PORT)).toBe(false);

    const second = await startStack(dataDir, first.ports);
    expect(second.output()).toContain(
      `Ended DynamoDB Local (pid ${first.dynamodb.pid}): a leftover of an earlier run`,
    );
    expect(hasEnded(first.dynamodb)).toBe(true);

    const third = launch(dataDir, await freePorts());
    expect(await exited(third.npm)).toBe(1);
    expect(third.output()).toContain(`Another local stack (pid ${second.owner.pid}) is running`);
    expect(isRunning(second.owner) && isRunning(second.dynamodb)).toBe(true);

    process.kill(second.npm.pid ?? 0, 'SIGTERM');
    await expectAllGone(second);
  });
});
