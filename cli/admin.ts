/**
 * `npm run admin -- <command>`: staff operations against a deployed stack or `npm start`, with the same staff
 * access token the console uses (sign in once with `login`; roles and audit as in the console). Tables by
 * default, `--json` for scripts.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  AdminApiError,
  apiOption,
  callAdmin,
  resolveTarget,
  saveToken,
  tokenStoreFile,
} from './admin-client.js';
import { commands, findCommand, progressLine, UsageError } from './commands.js';
import { details } from './format.js';
import { signIn } from './login.js';
import { SignInError } from './staff-sign-in.js';

const text = { type: 'string' } as const;
const cliOptions = {
  json: { type: 'boolean' },
  detach: { type: 'boolean' },
  help: { type: 'boolean' },
  api: text,
  recipient: text,
  basis: text,
  categories: text,
  reference: text,
  licensee: text,
  since: text,
  template: text,
  reason: text,
  out: text,
  months: text,
  response: text,
  case: text,
  until: text,
  from: text,
  to: text,
  as: text,
} as const;

const help = `Usage: npm run admin -- <command> [--json] [--detach] [--api URL]

Sign in:
  login                                (opens the staff sign-in with your second factor in the browser)
  login --as admin|handler|viewer      (npm start only: signs in as the first staff user of that role)
  logout

Commands:
${commands.map((command) => `  ${command.usage}`).join('\n')}

Commands that start a job follow it until it is done (progress on stderr); --detach returns at once.
--api is the origin, with or without /api; default $ZORGSOM_API_URL, else http://localhost:$PORT (3000).
The access token is kept in ${tokenStoreFile()} (for npm start: in its data folder), or given as
$ZORGSOM_STAFF_TOKEN.`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: cliOptions });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    process.stdout.write(`${help}\n`);
    return positionals.length === 0 && !values.help ? 2 : 0;
  }
  if (positionals[0] === 'login' || positionals[0] === 'logout') {
    const origin = apiOption(values.api as string | undefined);
    if (positionals[0] === 'logout') {
      await saveToken(origin, undefined);
      process.stdout.write(`Signed out of ${origin}.\n`);
      return 0;
    }
    const identity = await signIn(origin, values.as as string | undefined, (line) =>
      process.stderr.write(`${line}\n`),
    );
    process.stdout.write(`Signed in to ${origin} as ${identity.username} (${identity.role}).\n`);
    return 0;
  }
  const match = findCommand(positionals);
  if (!match) throw new UsageError(`unknown command: ${positionals.join(' ')}`);
  const body = match.command.body?.(match.args, values);
  const target = await resolveTarget({ api: values.api as string | undefined });
  const result = await callAdmin(target, match.command.method, match.command.path, body);
  const jobId = values.detach ? undefined : match.command.follow?.(result);
  if (jobId) {
    process.stderr.write(`${match.command.render(result)}\n`);
    const job = await followJob(target, jobId);
    process.stdout.write(`${values.json ? JSON.stringify(job, null, 2) : details(job)}\n`);
    return job.status === 'done' ? 0 : 1;
  }
  const output = match.command.save?.(result, values);
  if (output) {
    const bytes = 'url' in output ? await download(output.url) : output.bytes;
    await writeFile(output.file, bytes, { mode: 0o600 });
    process.stdout.write(
      `${match.command.render(result)} Written to ${output.file} (${bytes.length} bytes).\n`,
    );
    return 0;
  }
  process.stdout.write(`${values.json ? JSON.stringify(result, null, 2) : match.command.render(result)}\n`);
  return 0;
}

/** A file from a presigned URL (no credentials of ours travel with it). The URL itself is never printed. */
async function download(url: string): Promise<Buffer> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`download refused by storage (HTTP ${response.status})`);
  return Buffer.from(await response.arrayBuffer());
}

/** Polls `jobs show` until the job is no longer running; a changed progress line goes to stderr. */
async function followJob(target: Awaited<ReturnType<typeof resolveTarget>>, jobId: string) {
  let last = '';
  for (;;) {
    const job = (await callAdmin(target, 'POST', '/api/admin/jobs/show', { jobId })) as {
      status: string;
      progress: Record<string, number>;
    };
    const line = progressLine(job);
    if (line !== last) process.stderr.write(`job ${jobId} ${line}\n`);
    last = line;
    if (job.status !== 'running') return job;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n\n${help}\n`);
      process.exit(2);
    }
    if (error instanceof AdminApiError || error instanceof SignInError) {
      if (error instanceof SignInError) {
        process.stderr.write(`error: ${error.message}\n`);
        process.exit(1);
      }
      const where = [
        error.status > 0 ? `HTTP ${error.status}` : '',
        error.code === 'http-error' ? '' : error.code,
      ].filter(Boolean);
      process.stderr.write(`error: ${error.message} (${where.join(', ')})\n`);
      for (const field of error.fields) process.stderr.write(`  ${field.field}: ${field.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
