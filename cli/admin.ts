/**
 * `npm run admin -- <command>`: staff operations against a deployed stack (SigV4 with your AWS
 * credentials) or against `npm start` (the local staff credential). Tables by default, `--json` for scripts.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AdminApiError, callAdmin, resolveTarget } from './admin-client.js';
import { commands, findCommand, UsageError } from './commands.js';

const text = { type: 'string' } as const;
const cliOptions = {
  json: { type: 'boolean' },
  help: { type: 'boolean' },
  api: text,
  region: text,
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
} as const;

const help = `Usage: npm run admin -- <command> [--json] [--api URL] [--region REGION]

Commands:
${commands.map((command) => `  ${command.usage}`).join('\n')}

--api defaults to $ZORGSOM_API_URL, else http://localhost:$PORT (3000) with the local credential.`;

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
  const match = findCommand(positionals);
  if (!match) throw new UsageError(`unknown command: ${positionals.join(' ')}`);
  const body = match.command.body?.(match.args, values);
  const target = await resolveTarget({
    api: values.api as string | undefined,
    region: values.region as string | undefined,
  });
  const result = await callAdmin(target, match.command.method, match.command.path, body);
  const output = match.command.save?.(result, values);
  if (output) {
    await writeFile(output.file, output.bytes, { mode: 0o600 });
    process.stdout.write(
      `${match.command.render(result)} Written to ${output.file} (${output.bytes.length} bytes).\n`,
    );
    return 0;
  }
  process.stdout.write(`${values.json ? JSON.stringify(result, null, 2) : match.command.render(result)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n\n${help}\n`);
      process.exit(2);
    }
    if (error instanceof AdminApiError) {
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
