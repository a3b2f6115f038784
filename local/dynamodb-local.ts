import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { LAUNCHER_CLASS, loopbackLauncher } from './dynamodb-local/launcher.js';
import { claimPort } from './ports.js';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  pid: number;
  /** Set when it could not be bound to 127.0.0.1 and listens on every interface instead (and why). */
  warning?: string;
  close(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** 0 picks a free port. */
  port: number;
  /** Folder for the database file; undefined runs in memory. */
  dataDir?: string;
  /** How long to wait for the emulator to answer, default 120 s (a loaded laptop is slow to start a JVM). */
  startTimeoutMs?: number;
  /** Called right after the JVM is spawned, with its pid (local/process-registry.ts records it). */
  onSpawn?: (pid: number) => void;
}

const TAIL_LIMIT = 4000;

function emulatorDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Starts DynamoDB Local (the jar shipped by amplify-dynamodb-simulator) on 127.0.0.1 and waits until it
 * answers. The JVM exits with this process however it ends (see the launcher), and sends no telemetry.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  const port = await claimPort(options.port, 'DynamoDB Local');
  const dir = emulatorDir();
  const launcher = await loopbackLauncher(dir);
  const args = [`-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`];
  let warning: string | undefined;
  if ('classDir' in launcher) {
    args.push(
      '-Djava.net.preferIPv4Stack=true',
      '-Dzorgsom.bindHost=127.0.0.1',
      '-Dzorgsom.exitWithParent=true',
      '-cp',
      `${launcher.classDir}${delimiter}${join(dir, 'DynamoDBLocal.jar')}`,
      LAUNCHER_CLASS,
    );
  } else {
    warning =
      `DynamoDB Local listens on every interface, not only 127.0.0.1: its loopback launcher could not be ` +
      `compiled (${launcher.unavailable}). A Java with the jdk.compiler module (any JDK, or Debian's ` +
      `openjdk-17-jre-headless) fixes this.`;
    args.push('-jar', join(dir, 'DynamoDBLocal.jar'));
  }
  args.push('-port', String(port), '-sharedDb', '-disableTelemetry');
  if (options.dataDir === undefined) {
    args.push('-inMemory');
  } else {
    await mkdir(options.dataDir, { recursive: true });
    args.push('-dbPath', options.dataDir);
  }

  // stdin is a pipe this process never writes to: the launcher exits when it closes (this process ended).
  const child = spawn('java', args, { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  let tail = '';
  const collect = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_LIMIT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  let failure: Error | undefined;
  child.once('error', (error: NodeJS.ErrnoException) => {
    failure =
      error.code === 'ENOENT'
        ? new Error('java not found: install openjdk-17-jre-headless (DynamoDB Local needs Java 17+)')
        : new Error(`DynamoDB Local could not start: ${error.message}`);
  });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });

  const close = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 5000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5000);
      }
    }
  };

  // Java starts in ≈2.4 s on an idle machine, but takes far longer on a loaded one (8 test runs on 2 cores).
  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  try {
    for (;;) {
      if (failure) throw failure;
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `DynamoDB Local exited during start-up (code ${child.exitCode ?? child.signalCode}):\n${tail.trim()}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2000) });
        break;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) {
        throw new Error(`DynamoDB Local did not answer on ${endpoint} in time:\n${tail.trim()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    client.destroy();
    await close();
    throw error;
  }
  client.destroy();
  child.stdout?.removeAllListeners('data');
  child.stderr?.removeAllListeners('data');
  // Keep draining the pipes so a chatty emulator never blocks on a full buffer.
  child.stdout?.resume();
  child.stderr?.resume();

  return { endpoint, port, pid: child.pid ?? 0, ...(warning ? { warning } : {}), close };
}
