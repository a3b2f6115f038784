/**
 * Which processes a local stack started, recorded in its data folder (`processes.json`), so that the next
 * start on the same folder can tell a stack that is still running (named, and left alone) from the leftover
 * of one that was killed (ended). A pid counts as ours only while its command line is exactly the recorded
 * one: a pid the system has since given to another program is never signalled.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export const PROCESS_FILE = 'processes.json';

export interface RecordedProcess {
  /** What it is, for messages: "local stack", "DynamoDB Local". */
  what: string;
  pid: number;
  commandLine: string;
}

interface ProcessFile {
  owner: RecordedProcess;
  children: RecordedProcess[];
}

/** Another local stack, still running, uses this data folder. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `Another local stack (pid ${pid}) is running with the data folder ${dataDir}. ` +
        `Stop it first (Ctrl-C in its terminal, or kill -TERM ${pid}), or use another LOCAL_DATA_DIR.`,
    );
  }
}

const hasProc = existsSync('/proc/self/cmdline');

/** The command line of a running process, or undefined when there is none (a zombie has none either). */
export function commandLineOf(pid: number): string | undefined {
  if (hasProc) {
    try {
      const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const commandLine = raw.replace(/\0+$/, '').split('\0').join(' ');
      return commandLine === '' ? undefined : commandLine;
    } catch {
      return undefined;
    }
  }
  try {
    const commandLine = execFileSync('ps', ['-o', 'command=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return commandLine === '' ? undefined : commandLine;
  } catch {
    return undefined;
  }
}

/** True while `recorded` still runs as the very program that was recorded. */
export function isRunning(recorded: RecordedProcess): boolean {
  return commandLineOf(recorded.pid) === recorded.commandLine;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const stateOf = (statPath: string): string | undefined => {
  try {
    const stat = readFileSync(statPath, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
};

/**
 * True once the process has finished exiting: gone, or a zombie whose every thread has exited. Its command
 * line empties earlier (the kernel releases memory before it closes files), and a multi-threaded process (a
 * JVM) shows its first thread as a zombie while the others still run and hold its sockets and their ports.
 */
function exitedCompletely(pid: number): boolean {
  if (hasProc) {
    let threads: string[];
    try {
      threads = readdirSync(`/proc/${pid}/task`);
    } catch {
      return true;
    }
    return threads.every((tid) => {
      const state = stateOf(`/proc/${pid}/task/${tid}/stat`);
      return state === undefined || state === 'Z' || state === 'X';
    });
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

/** True when `recorded` no longer runs and holds nothing (no port, no file) any more. */
export function hasEnded(recorded: RecordedProcess): boolean {
  return (
    !isRunning(recorded) && (commandLineOf(recorded.pid) !== undefined || exitedCompletely(recorded.pid))
  );
}

async function waitUntilGone(recorded: RecordedProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!hasEnded(recorded)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone meanwhile.
  }
}

/** TERM (and CONT, so a stopped process can act on it), then KILL if it does not go within 5 s. */
export async function endProcess(recorded: RecordedProcess): Promise<void> {
  if (!isRunning(recorded)) return;
  signal(recorded.pid, 'SIGTERM');
  signal(recorded.pid, 'SIGCONT');
  if (await waitUntilGone(recorded, 5000)) return;
  if (isRunning(recorded)) signal(recorded.pid, 'SIGKILL');
  if (!(await waitUntilGone(recorded, 5000))) {
    throw new Error(`${recorded.what} (pid ${recorded.pid}) of an earlier run does not stop`);
  }
}

export interface ProcessRegistry {
  /** Leftovers of an earlier, killed run that this start ended ("DynamoDB Local (pid 123)"). */
  readonly ended: readonly string[];
  /** Records a child right after it was spawned. */
  record(what: string, pid: number): void;
  /** Forgets the record: called once every child has stopped. */
  release(): void;
}

function readProcessFile(path: string): ProcessFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<ProcessFile>;
    if (!parsed.owner || !Array.isArray(parsed.children)) return undefined;
    return parsed as ProcessFile;
  } catch {
    return undefined;
  }
}

/**
 * Claims `dataDir` for this process. A record left by a stack that is still running makes this throw
 * DataDirInUseError (nothing is signalled); the recorded children of a stack that is gone are ended.
 */
export async function claimProcessRegistry(dataDir: string): Promise<ProcessRegistry> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, PROCESS_FILE);
  const ended: string[] = [];
  const self: RecordedProcess = {
    what: 'local stack',
    pid: process.pid,
    commandLine: commandLineOf(process.pid) ?? process.argv.join(' '),
  };
  const current: ProcessFile = { owner: self, children: [] };
  const write = (flag: 'wx' | 'w'): void => {
    const json = `${JSON.stringify(current, null, 2)}\n`;
    if (flag === 'wx') {
      writeFileSync(path, json, { flag: 'wx', mode: 0o600 });
      return;
    }
    // Replace atomically, so a reader never sees half a file.
    writeFileSync(`${path}.tmp`, json, { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
  };

  // Exclusive create is the claim; an existing file is judged and, if stale, removed before trying again.
  for (let attempt = 0; ; attempt += 1) {
    try {
      write('wx');
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw error;
    }
    const previous = readProcessFile(path);
    if (previous && isRunning(previous.owner)) throw new DataDirInUseError(dataDir, previous.owner.pid);
    for (const child of previous?.children ?? []) {
      if (!isRunning(child)) continue;
      await endProcess(child);
      ended.push(`${child.what} (pid ${child.pid})`);
    }
    try {
      unlinkSync(path);
    } catch {
      // Another start removed it first; the next exclusive create decides.
    }
  }

  return {
    ended,
    record(what, pid) {
      const commandLine = commandLineOf(pid);
      if (commandLine === undefined) return;
      current.children.push({ what, pid, commandLine });
      write('w');
    },
    release() {
      const onDisk = readProcessFile(path);
      if (onDisk?.owner.pid !== self.pid) return;
      try {
        unlinkSync(path);
      } catch {
        // Already gone.
      }
    },
  };
}
